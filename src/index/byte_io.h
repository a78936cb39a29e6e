// ByteWriter / ByteReader: little-endian fixed-width integers and LEB128 varints for the
// lexical index's file formats. ByteReader is bounds-checked: a read past the end fails
// (returns false and stays failed) instead of reading out of bounds, so a corrupt file can
// never crash its parser. Objects are not thread-safe; distinct objects are independent.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ragd::lex {

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void u8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { fixed(&v, sizeof v); }
  void u32(uint32_t v) { fixed(&v, sizeof v); }
  void u64(uint64_t v) { fixed(&v, sizeof v); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void zigzag(int64_t v) {
    varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void bytes(std::string_view s) { out_->append(s); }
  size_t size() const { return out_->size(); }

 private:
  // The formats are little-endian; ragd targets little-endian hosts (x86-64, arm64).
  void fixed(const void* v, size_t n) { out_->append(static_cast<const char*>(v), n); }
  std::string* out_;
};

class ByteReader {
 public:
  ByteReader(const char* data, size_t size) : p_(data), end_(data + size) {}
  explicit ByteReader(std::string_view s) : ByteReader(s.data(), s.size()) {}

  bool u8(uint8_t* v) { return fixed(v, 1); }
  bool u16(uint16_t* v) { return fixed(v, 2); }
  bool u32(uint32_t* v) { return fixed(v, 4); }
  bool u64(uint64_t* v) { return fixed(v, 8); }
  bool varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return fail();
      uint8_t byte = static_cast<uint8_t>(*p_++);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        *v = result;
        return true;
      }
    }
    return fail();
  }
  bool varint32(uint32_t* v) {
    uint64_t x;
    if (!varint(&x) || x > UINT32_MAX) return fail();
    *v = static_cast<uint32_t>(x);
    return true;
  }
  bool zigzag(int64_t* v) {
    uint64_t x;
    if (!varint(&x)) return false;
    *v = static_cast<int64_t>(x >> 1) ^ -static_cast<int64_t>(x & 1);
    return true;
  }
  bool bytes(size_t n, std::string_view* s) {
    if (static_cast<size_t>(end_ - p_) < n) return fail();
    *s = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool ok() const { return ok_; }

 private:
  bool fixed(void* v, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return fail();
    std::memcpy(v, p_, n);
    p_ += n;
    return true;
  }
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace ragd::lex
