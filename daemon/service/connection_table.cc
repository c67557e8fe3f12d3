#include "daemon/service/connection_table.h"

#include "absl/strings/str_cat.h"

namespace npd::service {

bool ConnectionTable::Admit(int fd, const std::string& peer, const std::string& ip,
                            absl::Time now) {
  std::lock_guard lock(mu_);
  if (auto old = by_peer_.find(peer); old != by_peer_.end()) {
    ForgetLocked(old);  // the same address and port again: the old socket is gone
  }
  if (by_peer_.size() >= static_cast<size_t>(options_.max_connections)) return false;
  size_t& from_ip = per_ip_[ip];
  if (from_ip >= static_cast<size_t>(options_.max_connections_per_ip)) {
    if (from_ip == 0) per_ip_.erase(ip);
    return false;
  }
  ++from_ip;
  by_peer_[peer] = Connection{.fd = fd, .ip = ip};
  return true;
}

absl::Status ConnectionTable::NoteCall(const std::string& peer, const std::string& principal) {
  std::lock_guard lock(mu_);
  auto it = by_peer_.find(peer);
  if (it == by_peer_.end()) return absl::OkStatus();
  Connection& c = it->second;
  if (c.principal.empty()) {
    c.principal = principal;
    const auto cap = static_cast<size_t>(options_.max_connections_per_principal);
    if (alive_ && per_principal_[principal].size() >= cap) {
      // At the cap: first forget the principal's connections that closed since the last sweep.
      std::vector<std::map<std::string, Connection>::iterator> closed;
      for (const std::string& other : per_principal_[principal]) {
        auto o = by_peer_.find(other);
        if (o != by_peer_.end() && !alive_(o->second.fd, o->first)) closed.push_back(o);
      }
      for (auto o : closed) ForgetLocked(o);
    }
    auto& peers = per_principal_[principal];
    if (peers.size() >= cap) {
      c.excess_since = absl::Now();  // not counted: it is refused, then shut
    } else {
      peers.insert(peer);
    }
  } else if (c.principal != principal) {
    // One TLS session has one peer certificate; another principal means a reused port number
    // that Sweep has not caught up with yet. Treat it as the new connection it is.
    c.principal = principal;
  }
  if (c.excess_since != absl::InfiniteFuture()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many connections for this principal: at most ", options_.max_connections_per_principal,
        "; share one channel between calls (this connection will be closed)"));
  }
  return absl::OkStatus();
}

void ConnectionTable::Expel(const std::string& peer) {
  std::lock_guard lock(mu_);
  auto it = by_peer_.find(peer);
  if (it != by_peer_.end() && it->second.excess_since == absl::InfiniteFuture()) {
    it->second.excess_since = absl::Now();
  }
}

std::vector<int> ConnectionTable::Sweep(const Liveness& alive, absl::Time now,
                                        absl::Duration grace) {
  std::vector<int> shut;
  std::lock_guard lock(mu_);
  for (auto it = by_peer_.begin(); it != by_peer_.end();) {
    auto next = std::next(it);
    if (!alive(it->second.fd, it->first)) {
      ForgetLocked(it);
    } else if (now - it->second.excess_since >= grace) {
      shut.push_back(it->second.fd);
      ForgetLocked(it);
    }
    it = next;
  }
  return shut;
}

void ConnectionTable::ForgetLocked(std::map<std::string, Connection>::iterator it) {
  const Connection& c = it->second;
  if (auto ip = per_ip_.find(c.ip); ip != per_ip_.end() && --ip->second == 0) per_ip_.erase(ip);
  if (!c.principal.empty()) {
    if (auto p = per_principal_.find(c.principal); p != per_principal_.end()) {
      p->second.erase(it->first);
      if (p->second.empty()) per_principal_.erase(p);
    }
  }
  by_peer_.erase(it);
}

size_t ConnectionTable::size() const {
  std::lock_guard lock(mu_);
  return by_peer_.size();
}

size_t ConnectionTable::ForIp(const std::string& ip) const {
  std::lock_guard lock(mu_);
  auto it = per_ip_.find(ip);
  return it == per_ip_.end() ? 0 : it->second;
}

size_t ConnectionTable::ForPrincipal(const std::string& principal) const {
  std::lock_guard lock(mu_);
  auto it = per_principal_.find(principal);
  return it == per_principal_.end() ? 0 : it->second.size();
}

}  // namespace npd::service
