// Flags shared by several subcommands, registered the same way everywhere.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace ragd::cli {

inline void add_data_option(CLI::App* command, std::string& data) {
  command->add_option("--data", data,
                      "Data folder (default: $RAGD_DATA, else ./ragd-data)");
}

inline void add_collection_option(CLI::App* command, std::string& collection) {
  command->add_option("--collection,-c", collection, "Collection name")
      ->default_val("default")
      ->check([](const std::string& name) -> std::string {
        if (name.empty() || name.size() > 128) return "collection names are 1 to 128 characters";
        for (char c : name) {
          bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
          if (!ok) return "collection names use letters, digits, '-', '_' and '.' only";
        }
        return "";
      });
}

}  // namespace ragd::cli
