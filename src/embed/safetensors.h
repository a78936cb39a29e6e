// SafetensorsFile: a read-only view of a .safetensors weights file (8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte range, then the
// raw data), with conversion of F32 / F16 / BF16 tensors to float.
//
// Every offset, size and shape in the header is checked against the file before anything is
// read, so a truncated or hostile file yields a Status (kCorruption / kInvalidArgument),
// never an out-of-bounds read.
//
// Thread-safety: immutable after open(); read methods may run concurrently. Move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd {

enum class TensorDtype { kF32, kF16, kBF16, kF64, kI64, kI32, kI16, kI8, kU8, kBool };

struct TensorInfo {
  TensorDtype dtype = TensorDtype::kF32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte range within the data section
  uint64_t end = 0;
  uint64_t elements() const;
};

class SafetensorsFile {
 public:
  // Maps the file and validates its header. kNotFound when the file is missing, kCorruption
  // when the header or a byte range is inconsistent with the file.
  static Result<SafetensorsFile> open(const std::string& path);

  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;
  ~SafetensorsFile();

  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  // The whole file's bytes (header and data), e.g. to digest the weights.
  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(map_), map_size_};
  }

  // The tensor as floats (F32, F16 and BF16 converted). kNotFound when absent;
  // kInvalidArgument when its shape differs from `expected_shape` or its dtype is not a
  // float type.
  Result<std::vector<float>> read_f32(const std::string& name,
                                      const std::vector<int64_t>& expected_shape) const;

 private:
  SafetensorsFile() = default;
  void release();

  std::string path_;
  const uint8_t* map_ = nullptr;
  size_t map_size_ = 0;
  const uint8_t* data_ = nullptr;  // start of the data section inside the mapping
  uint64_t data_size_ = 0;
  std::map<std::string, TensorInfo> tensors_;
};

// "[384, 1536]", for messages.
std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace ragd
