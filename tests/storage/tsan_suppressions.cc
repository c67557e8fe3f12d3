// Debian's RocksDB is not built with ThreadSanitizer: its lock-free memtable (atomics compiled
// without instrumentation) looks like a data race to TSan whenever a read overlaps a Commit. Those
// reports are about RocksDB's internals, not about npd, so this test binary suppresses races inside
// rocksdb::.
#if defined(__SANITIZE_THREAD__)
extern "C" const char* __tsan_default_suppressions() { return "race:rocksdb::\n"; }
#endif
