#include "platform/password_hasher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace ragd::platform {
namespace {

// Small parameters keep the sanitizer build fast; the format and logic are the same.
Argon2Params small(uint32_t memory_kib = 256, uint32_t passes = 1, uint32_t parallelism = 1) {
  Argon2Params p;
  p.memory_kib = memory_kib;
  p.passes = passes;
  p.parallelism = parallelism;
  return p;
}

TEST(PasswordHasher, HashesAndVerifies) {
  const PasswordHasher hasher(small());
  const Result<std::string> encoded = hasher.hash("correct horse battery staple");
  ASSERT_TRUE(encoded.is_ok()) << encoded.status().to_string();
  EXPECT_TRUE(encoded->starts_with("$argon2id$v=19$m=256,t=1,p=1$")) << *encoded;
  EXPECT_TRUE(hasher.verify("correct horse battery staple", *encoded));
  EXPECT_FALSE(hasher.verify("correct horse battery stapl", *encoded));
  EXPECT_FALSE(hasher.verify("correct horse battery staple ", *encoded));
  EXPECT_FALSE(hasher.verify("Correct horse battery staple", *encoded));
  EXPECT_FALSE(hasher.verify("", *encoded));
}

TEST(PasswordHasher, SaltsDiffer) {
  const PasswordHasher hasher(small());
  const Result<std::string> a = hasher.hash("same password");
  const Result<std::string> b = hasher.hash("same password");
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(hasher.verify("same password", *a));
  EXPECT_TRUE(hasher.verify("same password", *b));
}

TEST(PasswordHasher, BinaryAndEmptyPasswords) {
  const PasswordHasher hasher(small());
  const std::string with_nul("pass\0word", 9);
  const Result<std::string> encoded = hasher.hash(with_nul);
  ASSERT_TRUE(encoded.is_ok());
  EXPECT_TRUE(hasher.verify(with_nul, *encoded));
  EXPECT_FALSE(hasher.verify("pass", *encoded));

  const Result<std::string> empty = hasher.hash("");
  ASSERT_TRUE(empty.is_ok());
  EXPECT_TRUE(hasher.verify("", *empty));
  EXPECT_FALSE(hasher.verify("x", *empty));
}

TEST(PasswordHasher, RejectsPasswordsOver1024Bytes) {
  const PasswordHasher hasher(small());
  const std::string max(1024, 'a');
  const Result<std::string> ok = hasher.hash(max);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_TRUE(hasher.verify(max, *ok));

  const Result<std::string> too_long = hasher.hash(std::string(1025, 'a'));
  ASSERT_FALSE(too_long.is_ok());
  EXPECT_EQ(too_long.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(hasher.verify(std::string(1025, 'a'), *ok));
  EXPECT_FALSE(hasher.verify_dummy(std::string(1025, 'a')));
}

TEST(PasswordHasher, ParametersTravelWithTheHash) {
  const PasswordHasher weak(small(128, 1, 1));
  const PasswordHasher strong(small(512, 2, 2));
  const Result<std::string> old_hash = weak.hash("hunter2hunter2");
  const Result<std::string> new_hash = strong.hash("hunter2hunter2");
  ASSERT_TRUE(old_hash.is_ok() && new_hash.is_ok());
  EXPECT_TRUE(new_hash->starts_with("$argon2id$v=19$m=512,t=2,p=2$")) << *new_hash;

  // Either hasher verifies either hash: the parameters come from the string.
  EXPECT_TRUE(strong.verify("hunter2hunter2", *old_hash));
  EXPECT_TRUE(weak.verify("hunter2hunter2", *new_hash));

  EXPECT_TRUE(strong.needs_rehash(*old_hash));
  EXPECT_FALSE(strong.needs_rehash(*new_hash));
  EXPECT_FALSE(weak.needs_rehash(*old_hash));
  EXPECT_FALSE(weak.needs_rehash(*new_hash));

  // Raising only memory or only passes is enough to ask for a rehash.
  EXPECT_TRUE(PasswordHasher(small(256, 1, 1)).needs_rehash(*old_hash));
  EXPECT_TRUE(PasswordHasher(small(128, 2, 1)).needs_rehash(*old_hash));

  EXPECT_TRUE(strong.needs_rehash(""));
  EXPECT_TRUE(strong.needs_rehash("$argon2i$v=19$m=512,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2g"));
  EXPECT_TRUE(strong.needs_rehash("$2b$12$abcdefghijklmnopqrstuu"));
}

TEST(PasswordHasher, ParallelismZeroMeansCoresWithinLimits) {
  const PasswordHasher hasher(small(1024, 1, 0));
  const uint32_t cores = std::max(1u, std::min(16u, std::thread::hardware_concurrency()));
  EXPECT_EQ(hasher.params().parallelism, cores);
  const Result<std::string> encoded = hasher.hash("parallel password");
  ASSERT_TRUE(encoded.is_ok());
  EXPECT_NE(encoded->find(",p=" + std::to_string(cores) + "$"), std::string::npos) << *encoded;
  EXPECT_TRUE(hasher.verify("parallel password", *encoded));
}

TEST(PasswordHasher, OutOfRangeParametersAreBroughtIntoRange) {
  // 8 KiB per lane is libargon2's floor: 16 KiB cannot carry 8 lanes.
  const PasswordHasher hasher(small(16, 0, 8));
  EXPECT_EQ(hasher.params().parallelism, 2u);
  EXPECT_EQ(hasher.params().passes, 1u);
  const Result<std::string> encoded = hasher.hash("tiny memory");
  ASSERT_TRUE(encoded.is_ok()) << encoded.status().to_string();
  EXPECT_TRUE(hasher.verify("tiny memory", *encoded));
}

TEST(PasswordHasher, VerifyDummyIsAlwaysFalse) {
  const PasswordHasher hasher(small());
  EXPECT_FALSE(hasher.verify_dummy(""));
  EXPECT_FALSE(hasher.verify_dummy("any password at all"));
}

TEST(PasswordHasher, DefaultParametersMatchTheDesign) {
  const PasswordHasher hasher;  // 64 MiB, 3 passes: run once
  EXPECT_EQ(hasher.params().memory_kib, 65536u);
  EXPECT_EQ(hasher.params().passes, 3u);
  EXPECT_GE(hasher.params().parallelism, 1u);
  EXPECT_LE(hasher.params().parallelism, 16u);
  const Result<std::string> encoded = hasher.hash("a long enough password");
  ASSERT_TRUE(encoded.is_ok());
  EXPECT_TRUE(encoded->starts_with("$argon2id$v=19$m=65536,t=3,p=")) << *encoded;
  EXPECT_FALSE(hasher.needs_rehash(*encoded));
}

TEST(PasswordHasher, MalformedHashesAreFalseNeverACrash) {
  const PasswordHasher hasher(small(64, 1, 1));
  const Result<std::string> good = hasher.hash("pw");
  ASSERT_TRUE(good.is_ok());
  ASSERT_TRUE(hasher.verify("pw", *good));
  const std::string& g = *good;
  const size_t last = g.rfind('$');
  const std::string prefix = g.substr(0, last);  // without the hash
  const std::string hash_b64 = g.substr(last + 1);
  const std::string salt_and_hash = g.substr(g.find("$", g.find("p=")) + 1);

  // The crafted strings below differ from this one only in their defect.
  ASSERT_TRUE(hasher.verify("pw", "$argon2id$v=19$m=64,t=1,p=1$" + salt_and_hash));

  const std::vector<std::string> bad = {
      "",
      "$",
      "$$$$$",
      "argon2id",
      "$argon2id",
      "$argon2id$",
      "$argon2id$v=19",
      "$argon2id$v=19$",
      "$argon2id$v=19$m=64,t=1,p=1",
      "$argon2id$v=19$m=64,t=1,p=1$",
      "$argon2id$v=19$m=64,t=1,p=1$$",
      prefix,
      prefix + "$",
      g + "$",
      g + "=",
      g + " ",
      " " + g,
      g.substr(0, g.size() - 1),                      // truncated hash (bad length mod 4)
      prefix + "$" + hash_b64 + "==",                 // padding
      prefix + "$" + hash_b64.substr(0, 2),           // too short a hash
      "$argon2i$v=19$m=64,t=1,p=1$" + salt_and_hash,  // another variant
      "$argon2d$v=19$m=64,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=16$m=64,t=1,p=1$" + salt_and_hash,
      "$argon2id$m=64,t=1,p=1$" + salt_and_hash,       // version omitted
      "$argon2id$v=19$t=1,m=64,p=1$" + salt_and_hash,  // reordered
      "$argon2id$v=19$m=64,t=1,p=1,data=abc$" + salt_and_hash,
      "$argon2id$v=19$m=0256,t=1,p=1$" + salt_and_hash,  // leading zero
      "$argon2id$v=19$m=-256,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=+256,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=64,t=0,p=1$" + salt_and_hash,  // zero passes
      "$argon2id$v=19$m=64,t=1,p=0$" + salt_and_hash,  // zero lanes
      "$argon2id$v=19$m=0,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=7,t=1,p=1$" + salt_and_hash,    // below libargon2's minimum
      "$argon2id$v=19$m=64,t=1,p=64$" + salt_and_hash,  // 8 KiB per lane not met
      // What libargon2 would try to allocate or run for: refused before any work.
      "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=99999999999999999999,t=1,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=64,t=4294967295,p=1$" + salt_and_hash,
      "$argon2id$v=19$m=4294967295,t=1,p=16777215$" + salt_and_hash,
      "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + hash_b64,         // salt under 8 bytes
      "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$AAA",          // hash under 4 bytes
      "$argon2id$v=19$m=64,t=1,p=1$c29t-XNhbHQ$" + hash_b64,  // base64url, not base64
      "$argon2id$v=19$m=64,t=1,p=1$c29t ZXNhbHQ$" + hash_b64,
      "$argon2id$v=19$m=64,t=1,p=1$" + std::string(5000, 'A') + "$" + hash_b64,
      "$argon2id$v=19$m=64,t=1,p=1$c29tZXNh" + std::string(1, '\0') + "bHQ$" + hash_b64,
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
      std::string(100000, '$'),
  };
  for (const std::string& encoded : bad) {
    EXPECT_FALSE(hasher.verify("pw", encoded)) << encoded.substr(0, 120);
    EXPECT_TRUE(hasher.needs_rehash(encoded)) << encoded.substr(0, 120);
  }

  // Every single-character change to a good hash is refused too.
  const std::string alphabet = "$=,+/0a9Zz\x80";
  for (size_t i = 0; i < g.size(); ++i) {
    for (const char c : alphabet) {
      if (g[i] == c) continue;
      std::string mutated = g;
      mutated[i] = c;
      // A change inside the salt or hash may still decode; it must then fail to match.
      EXPECT_FALSE(hasher.verify("pw", mutated)) << mutated;
    }
  }
}

TEST(PasswordHasher, ConcurrentUse) {
  const PasswordHasher hasher(small(64, 1, 1));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string password = "password-" + std::to_string(t);
      const Result<std::string> encoded = hasher.hash(password);
      ok[t] = encoded.is_ok() && hasher.verify(password, *encoded) &&
              !hasher.verify("password-x", *encoded);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(ok[t], 1) << t;
}

}  // namespace
}  // namespace ragd::platform
