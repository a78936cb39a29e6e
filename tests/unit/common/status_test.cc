#include "common/status.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_io.h"
#include "common/hash.h"

namespace ragd {
namespace {

Result<int> half(int x) {
  if (x % 2) return Status::invalid("odd number " + std::to_string(x));
  return x / 2;
}

TEST(Status, ResultCarriesValueOrError) {
  auto good = half(8);
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().to_string(), "invalid argument: odd number 3");
}

TEST(Hash, Sha256KnownVector) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FileIo, AtomicWriteThenReadWithLimit) {
  auto dir = std::filesystem::temp_directory_path() / ("ragd-fileio-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "f.txt").string();
  ASSERT_TRUE(write_file_atomic(path, "hello").is_ok());
  ASSERT_TRUE(write_file_atomic(path, "hello world").is_ok());
  auto read = read_file(path);
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(*read, "hello world");
  auto limited = read_file(path, 5);
  ASSERT_FALSE(limited.is_ok());
  EXPECT_EQ(limited.status().code(), ErrorCode::kTooLarge);
  EXPECT_FALSE(read_file((dir / "missing").string()).is_ok());
  EXPECT_FALSE(read_file(dir.string()).is_ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ragd
