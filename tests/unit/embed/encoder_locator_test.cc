// Where the default model is looked for: $RAGD_MODEL_DIR first, then the installed package.
#include "embed/model_locator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "encoder_test_support.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ModelLocator, EnvironmentVariableComesFirstWhenItHoldsAModel) {
  fs::path dir = fs::temp_directory_path() / ("ragd_locator_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ScopedEnv env("RAGD_MODEL_DIR", dir.string());
  std::vector<std::string> candidates = default_model_candidates();
  ASSERT_FALSE(candidates.empty());
  EXPECT_EQ(candidates.front(), dir.string());

  // Not usable yet (no files): the search goes on past it.
  auto found = locate_default_model();
  EXPECT_TRUE(!found || *found != dir.string());

  std::ofstream(dir / "config.json") << "{}";
  std::ofstream(dir / "model.safetensors") << "x";
  found = locate_default_model();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, dir.string());
  fs::remove_all(dir);
}

TEST(ModelLocator, FindsTheInstalledPackageNextToTheBinary) {
  RAGD_REQUIRE_MINILM(expected);
  ScopedEnv env("RAGD_MODEL_DIR", std::nullopt);
  ScopedEnv venv("VIRTUAL_ENV", std::nullopt);
  // The test binary lives in a build folder under the repository, whose .venv holds the
  // package: the parents-of-the-binary rule finds it whatever the current folder is.
  auto found = locate_default_model();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(fs::canonical(*found), fs::canonical(expected));
  auto candidates = default_model_candidates();
  bool listed = false;
  for (const auto& c : candidates) listed |= fs::exists(c) && fs::equivalent(c, expected);
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace ragd
