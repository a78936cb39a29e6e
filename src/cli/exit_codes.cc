#include "cli/exit_codes.h"

#include <iostream>

namespace ragd::cli {

int report_error(const Status& status) {
  std::cerr << "ragd: error: " << status.message() << "\n";
  switch (status.code()) {
    case ErrorCode::kOk: return kExitOk;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kTooLarge:
    case ErrorCode::kUnsupported: return kExitUsage;
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kBusy: return kExitBusy;
    default: return kExitFailure;
  }
}

}  // namespace ragd::cli
