#include "jobs/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/hash.h"

namespace ragd {

std::string resolve_data_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("RAGD_DATA"); env != nullptr && *env != '\0') return env;
  return "./ragd-data";
}

std::string model_folder_name(const std::string& model_id) {
  std::string name;
  for (char c : model_id) {
    if (name.size() == 64) break;
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_';
    name.push_back(safe ? c : '_');
  }
  while (!name.empty() && name.front() == '.') name.front() = '_';
  return name + "-" + sha256_hex(model_id).substr(0, 12);
}

std::string DataDir::lexical_index_path(int64_t collection_id) const {
  return collection_index_path(collection_id) + "/lexical";
}

std::string DataDir::collection_index_path(int64_t collection_id) const {
  return root_ + "/index/" + std::to_string(collection_id);
}

std::string DataDir::vectors_path(int64_t collection_id) const {
  return collection_index_path(collection_id) + "/vectors";
}

std::string DataDir::vector_index_path(int64_t collection_id, const std::string& model_id) const {
  return vectors_path(collection_id) + "/" + model_folder_name(model_id);
}

bool DataDir::exists() const {
  std::error_code ec;
  return std::filesystem::is_directory(root_, ec);
}

Status DataDir::require_exists() const {
  if (exists()) return Status::ok();
  return Status::not_found("no data folder at '" + root_ +
                           "'; ingest documents first (ragd ingest PATH) or point --data / "
                           "$RAGD_DATA at an existing one");
}

Status DataDir::ensure_exists() const {
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec || !std::filesystem::is_directory(root_)) {
    return Status::io("cannot create data folder '" + root_ + "': " +
                      (ec ? ec.message() : "not a directory") +
                      "; choose another with --data DIR or $RAGD_DATA");
  }
  return Status::ok();
}

Result<std::unique_ptr<WriteLock>> WriteLock::acquire(const DataDir& dir) {
  std::string path = dir.root() + "/write.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io("cannot open '" + path + "': " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::error(ErrorCode::kBusy,
                         "another ragd process is writing to '" + dir.root() +
                             "'; wait for it to finish and try again");
  }
  return std::unique_ptr<WriteLock>(new WriteLock(fd));
}

WriteLock::~WriteLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace ragd
