// DomainConfig: a collection's declared domains (its first-level folders, such as a winery's
// wine, visiting, events, club and merchandise), each with a description, the keywords that
// route a question to it, and the related domains that may answer part of it.
//
// JSON form (one object; unknown keys are errors so that typos do not pass silently):
//   {"domains": [{"name": "wine", "description": "...", "keywords": ["pinot noir", ...],
//                 "related": ["club", "merchandise"]}, ...]}
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd {

struct DomainConfig {
  std::string name;  // the domain as documents carry it (first folder under the source)
  std::string description;
  std::vector<std::string> keywords;  // words or phrases, matched after analysis
  std::vector<std::string> related;   // names of other domains, most related first

  bool operator==(const DomainConfig&) const = default;
};

// Checks: every name non-empty, without surrounding spaces, '/' or control characters, and
// unique; every keyword non-empty and listed once per domain; every related domain declared,
// not the domain itself, and listed once. The message names the domain and the problem.
Status validate_domain_configs(const std::vector<DomainConfig>& domains);

// Parses and validates the JSON form. Errors (kInvalidArgument) say where the problem is.
Result<std::vector<DomainConfig>> parse_domain_configs(std::string_view json);
// Reads a file of the JSON form (kNotFound / kIo when it cannot be read).
Result<std::vector<DomainConfig>> load_domain_configs(const std::string& path);

// The JSON form, indented by two spaces, ending with a newline; parse_domain_configs reads it
// back to equal configs.
std::string serialize_domain_configs(const std::vector<DomainConfig>& domains);

}  // namespace ragd
