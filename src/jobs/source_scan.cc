#include "jobs/source_scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace ragd {
namespace {

bool hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

void add_file(SourceScan& scan, const std::string& path, std::string domain) {
  SourceFile file;
  file.path = path;
  file.domain = std::move(domain);
  file.format = detect_format(path);
  std::error_code ec;
  file.size = fs::file_size(path, ec);
  file.mtime_ns = mtime_ns(path);
  scan.total_bytes += file.size;
  scan.files.push_back(std::move(file));
}

const char* kSupported = "supported: .md .markdown .txt .text .html .htm .pdf .jsonl .jsonl.gz";

void walk_folder(SourceScan& scan, const fs::path& root) {
  std::vector<std::pair<std::string, std::string>> found;  // path, domain
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    scan.problems.push_back({root.string(), "cannot read folder: " + ec.message()});
    return;
  }
  bool complete = true;
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      scan.problems.push_back({root.string(), "error while walking the folder: " + ec.message()});
      complete = false;
      break;
    }
    const fs::directory_entry& entry = *it;
    if (hidden(entry.path())) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_symlink(ec) && entry.is_directory(ec)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(ec)) continue;
    if (detect_format(entry.path().string()) == SourceFormat::kUnknown) {
      ++scan.skipped;
      continue;
    }
    fs::path relative = entry.path().lexically_relative(root);
    std::string domain;
    if (std::distance(relative.begin(), relative.end()) > 1) domain = relative.begin()->string();
    found.emplace_back(entry.path().string(), std::move(domain));
  }
  std::sort(found.begin(), found.end());
  for (auto& [path, domain] : found) add_file(scan, path, std::move(domain));
  if (complete) scan.folders.push_back(root.string());
}

}  // namespace

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) absolute = path;
  std::string out = absolute.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

SourceScan scan_sources(const std::vector<std::string>& paths) {
  SourceScan scan;
  for (const std::string& given : paths) {
    std::string path = absolute_path(given);
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      scan.problems.push_back({given, "no such file or folder"});
    } else if (fs::is_directory(status)) {
      walk_folder(scan, path);
    } else if (!fs::is_regular_file(status)) {
      scan.problems.push_back({given, "not a regular file"});
    } else if (detect_format(path) == SourceFormat::kUnknown) {
      scan.problems.push_back({given, std::string("unsupported file type; ") + kSupported});
    } else {
      add_file(scan, path, "");
    }
  }
  return scan;
}

}  // namespace ragd
