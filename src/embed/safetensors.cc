#include "embed/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace ragd {
namespace {

// A header larger than this is not a weights file (real ones are a few hundred KiB).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

bool parse_dtype(const std::string& name, TensorDtype& dtype) {
  static const std::pair<const char*, TensorDtype> kNames[] = {
      {"F32", TensorDtype::kF32}, {"F16", TensorDtype::kF16}, {"BF16", TensorDtype::kBF16},
      {"F64", TensorDtype::kF64}, {"I64", TensorDtype::kI64}, {"I32", TensorDtype::kI32},
      {"I16", TensorDtype::kI16}, {"I8", TensorDtype::kI8},   {"U8", TensorDtype::kU8},
      {"BOOL", TensorDtype::kBool}};
  for (const auto& [n, d] : kNames) {
    if (name == n) {
      dtype = d;
      return true;
    }
  }
  return false;
}

uint64_t dtype_size(TensorDtype dtype) {
  switch (dtype) {
    case TensorDtype::kF64:
    case TensorDtype::kI64:
      return 8;
    case TensorDtype::kF32:
    case TensorDtype::kI32:
      return 4;
    case TensorDtype::kF16:
    case TensorDtype::kBF16:
    case TensorDtype::kI16:
      return 2;
    case TensorDtype::kI8:
    case TensorDtype::kU8:
    case TensorDtype::kBool:
      return 1;
  }
  return 1;
}

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int shift = 0;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        ++shift;
      }
      mantissa &= 0x3ffu;
      bits = sign | (static_cast<uint32_t>(127 - 15 + 1 - shift) << 23) | (mantissa << 13);
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

Status parse_tensor(const std::string& name, const nlohmann::json& entry, uint64_t data_size,
                    TensorInfo& info) {
  auto bad = [&](const std::string& what) {
    return Status::corruption("tensor '" + name + "' in the safetensors header: " + what);
  };
  if (!entry.is_object()) return bad("entry is not an object");
  auto dtype = entry.find("dtype");
  auto shape = entry.find("shape");
  auto offsets = entry.find("data_offsets");
  if (dtype == entry.end() || !dtype->is_string()) return bad("missing dtype");
  if (!parse_dtype(dtype->get<std::string>(), info.dtype)) {
    return bad("unknown dtype " + dtype->get<std::string>());
  }
  if (shape == entry.end() || !shape->is_array() || shape->size() > 8) {
    return bad("missing or malformed shape");
  }
  uint64_t elements = 1;
  for (const auto& dim : *shape) {
    if (!dim.is_number_unsigned()) return bad("shape has a non-integer or negative dimension");
    uint64_t d = dim.get<uint64_t>();
    if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        (d != 0 && elements > std::numeric_limits<uint64_t>::max() / d)) {
      return bad("shape overflows");
    }
    elements *= d;
    info.shape.push_back(static_cast<int64_t>(d));
  }
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
    return bad("missing or malformed data_offsets");
  }
  info.begin = (*offsets)[0].get<uint64_t>();
  info.end = (*offsets)[1].get<uint64_t>();
  if (info.begin > info.end || info.end > data_size) {
    return bad("data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
               ") outside the " + std::to_string(data_size) +
               "-byte data section (truncated file?)");
  }
  uint64_t size = dtype_size(info.dtype);
  if (elements > std::numeric_limits<uint64_t>::max() / size ||
      elements * size != info.end - info.begin) {
    return bad("byte range does not match shape " + shape_to_string(info.shape));
  }
  return Status::ok();
}

}  // namespace

uint64_t TensorInfo::elements() const {
  uint64_t n = 1;
  for (int64_t d : shape) n *= static_cast<uint64_t>(d);
  return n;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Result<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string message = path + ": " + std::strerror(err);
    if (err == ENOENT) return Status::not_found(message);
    return Status::io(message);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::io(path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalid(path + ": not a regular file");
  }
  uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < 8) {
    ::close(fd);
    return Status::corruption(path + ": " + std::to_string(file_size) +
                              " bytes is too short for a safetensors file (truncated?)");
  }
  void* map = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  ::close(fd);
  if (map == MAP_FAILED) return Status::io(path + ": mmap: " + std::strerror(map_errno));

  SafetensorsFile file;
  file.path_ = path;
  file.map_ = static_cast<const uint8_t*>(map);
  file.map_size_ = file_size;

  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | file.map_[i];
  if (header_size > kMaxHeaderBytes || header_size > file_size - 8) {
    return Status::corruption(path + ": header length " + std::to_string(header_size) +
                              " exceeds the file (" + std::to_string(file_size) +
                              " bytes): not a safetensors file, or truncated");
  }
  const char* header = reinterpret_cast<const char*>(file.map_ + 8);
  nlohmann::json json = nlohmann::json::parse(header, header + header_size, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::corruption(path + ": the safetensors header is not a JSON object");
  }
  file.data_ = file.map_ + 8 + header_size;
  file.data_size_ = file_size - 8 - header_size;
  for (const auto& [name, entry] : json.items()) {
    if (name == "__metadata__") continue;
    TensorInfo info;
    Status s = parse_tensor(name, entry, file.data_size_, info);
    if (!s.is_ok()) return Status::corruption(path + ": " + s.message());
    file.tensors_.emplace(name, std::move(info));
  }
  return file;
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept { *this = std::move(other); }

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    map_ = other.map_;
    map_size_ = other.map_size_;
    data_ = other.data_;
    data_size_ = other.data_size_;
    tensors_ = std::move(other.tensors_);
    other.map_ = nullptr;
    other.data_ = nullptr;
    other.map_size_ = other.data_size_ = 0;
  }
  return *this;
}

SafetensorsFile::~SafetensorsFile() { release(); }

void SafetensorsFile::release() {
  if (map_ != nullptr) ::munmap(const_cast<uint8_t*>(map_), map_size_);
  map_ = nullptr;
}

Result<std::vector<float>> SafetensorsFile::read_f32(
    const std::string& name, const std::vector<int64_t>& expected_shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) {
    return Status::not_found(path_ + ": tensor '" + name + "' is missing");
  }
  const TensorInfo& info = it->second;
  if (info.shape != expected_shape) {
    return Status::invalid(path_ + ": tensor '" + name + "' has shape " +
                           shape_to_string(info.shape) + ", config.json implies " +
                           shape_to_string(expected_shape));
  }
  const uint8_t* src = data_ + info.begin;
  size_t n = static_cast<size_t>(info.elements());
  std::vector<float> out(n);
  switch (info.dtype) {
    case TensorDtype::kF32:
      if (n) std::memcpy(out.data(), src, n * 4);
      break;
    case TensorDtype::kF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        out[i] = half_to_float(h);
      }
      break;
    case TensorDtype::kBF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      }
      break;
    default:
      return Status::invalid(path_ + ": tensor '" + name +
                             "' is not a floating-point tensor (F32, F16 or BF16)");
  }
  return out;
}

}  // namespace ragd
