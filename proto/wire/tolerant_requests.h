// Lets npd answer a request it cannot decode with INVALID_ARGUMENT instead of gRPC's bare
// UNIMPLEMENTED.
//
// gRPC's callback server fails a call whose message does not parse (garbage bytes, or a proto3
// string field that is not UTF-8) before any handler runs, with UNIMPLEMENTED and an empty
// message, and protobuf logs one ERROR line per such request. For every request type of npd's API
// this header replaces gRPC's serialization traits: serialising is unchanged; a message that does
// not parse is delivered to the handler empty, carrying one unknown varint field
// (kUndecodableMarkerField) that IsUndecodable() finds. npd's admission (daemon/service) refuses
// such a request with INVALID_ARGUMENT before anything else reads it.
//
// The generated npd/v1 *.grpc.pb.h include this file (grpc_cpp_plugin's additional_header_includes,
// proto/CMakeLists.txt), so every translation unit that instantiates a handler or a stub for these
// types sees the specialisations. tests/service/authorization_test.cc sends undecodable bytes to
// every rpc: a request type missing below answers UNIMPLEMENTED there and fails.
#ifndef NPD_PROTO_WIRE_TOLERANT_REQUESTS_H_
#define NPD_PROTO_WIRE_TOLERANT_REQUESTS_H_

#include <grpcpp/impl/codegen/proto_buffer_reader.h>
#include <grpcpp/impl/codegen/proto_buffer_writer.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"
#include "npd/v1/admin.pb.h"
#include "npd/v1/audit.pb.h"
#include "npd/v1/feed.pb.h"
#include "npd/v1/history.pb.h"
#include "npd/v1/number.pb.h"
#include "npd/v1/operations.pb.h"
#include "npd/v1/porting.pb.h"
#include "npd/v1/refund.pb.h"
#include "npd/v1/report.pb.h"

namespace npd::wire {

// The highest field number protobuf allows; npd's API never defines it.
inline constexpr int kUndecodableMarkerField = 536870911;

// True when `message` stands for a request that did not parse (see above).
inline bool IsUndecodable(const google::protobuf::Message& message) {
  const google::protobuf::UnknownFieldSet& unknown =
      message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    if (unknown.field(i).number() == kUndecodableMarkerField) return true;
  }
  return false;
}

// Parses `buffer` into `message`; on failure leaves `message` empty but for the marker. Never
// fails, so gRPC always runs npd's handler.
inline grpc::Status TolerantDeserialize(grpc::ByteBuffer* buffer,
                                        google::protobuf::Message* message) {
  grpc::Status parsed =
      grpc::GenericDeserialize<grpc::ProtoBufferReader, google::protobuf::Message>(buffer, message);
  if (!parsed.ok()) {
    message->Clear();
    message->GetReflection()->MutableUnknownFields(message)->AddVarint(kUndecodableMarkerField, 1);
  }
  return grpc::Status::OK;
}

}  // namespace npd::wire

// Explicit specialisations: more specialised than gRPC's partial one for every protobuf message.
#define NPD_TOLERANT_REQUEST(Type)                                                                \
  template <>                                                                                     \
  class grpc::SerializationTraits<Type, void> {                                                   \
   public:                                                                                        \
    static grpc::Status Serialize(const grpc::protobuf::MessageLite& msg, grpc::ByteBuffer* bb,   \
                                  bool* own_buffer) {                                             \
      return grpc::GenericSerialize<grpc::ProtoBufferWriter, Type>(msg, bb, own_buffer);          \
    }                                                                                             \
    static grpc::Status Deserialize(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* msg) { \
      return npd::wire::TolerantDeserialize(buffer, static_cast<Type*>(msg));                     \
    }                                                                                             \
  }

NPD_TOLERANT_REQUEST(npd::v1::IssueAuthCodeRequest);
NPD_TOLERANT_REQUEST(npd::v1::SubmitPortRequest);
NPD_TOLERANT_REQUEST(npd::v1::AnswerPortRequest);
NPD_TOLERANT_REQUEST(npd::v1::CancelPortRequest);
NPD_TOLERANT_REQUEST(npd::v1::ResendRoutingRequest);
NPD_TOLERANT_REQUEST(npd::v1::DisconnectNumberRequest);
NPD_TOLERANT_REQUEST(npd::v1::GetPortRequest);
NPD_TOLERANT_REQUEST(npd::v1::ListPortsRequest);
NPD_TOLERANT_REQUEST(npd::v1::LookupRequest);
NPD_TOLERANT_REQUEST(npd::v1::BatchLookupRequest);
NPD_TOLERANT_REQUEST(npd::v1::SubscribeRequest);
NPD_TOLERANT_REQUEST(npd::v1::ConfirmRequest);
NPD_TOLERANT_REQUEST(npd::v1::ExportSnapshotRequest);
NPD_TOLERANT_REQUEST(npd::v1::CompareBlocksRequest);
NPD_TOLERANT_REQUEST(npd::v1::DiffBlockRequest);
NPD_TOLERANT_REQUEST(npd::v1::GetRefundRequest);
NPD_TOLERANT_REQUEST(npd::v1::ListRefundsRequest);
NPD_TOLERANT_REQUEST(npd::v1::ClaimRefundRequest);
NPD_TOLERANT_REQUEST(npd::v1::ReportFinalBillRequest);
NPD_TOLERANT_REQUEST(npd::v1::ReportPayoutResultRequest);
NPD_TOLERANT_REQUEST(npd::v1::RedriveRefundRequest);
NPD_TOLERANT_REQUEST(npd::v1::ListAttentionRequest);
NPD_TOLERANT_REQUEST(npd::v1::CancelStalePortRequest);
NPD_TOLERANT_REQUEST(npd::v1::GetHistoryRequest);
NPD_TOLERANT_REQUEST(npd::v1::GetReportRequest);
NPD_TOLERANT_REQUEST(npd::v1::CheckpointRequest);

#undef NPD_TOLERANT_REQUEST

#endif  // NPD_PROTO_WIRE_TOLERANT_REQUESTS_H_
