// RUN --mount option parsing and validation, table-driven.

#include "frontend/run_mount.hpp"

#include <gtest/gtest.h>

namespace {

using namespace distill::frontend;

distill::support::Result<RunMount> parse(std::string_view value) {
  return parse_mount(value, [](std::string_view text) -> distill::support::Result<std::string> {
    // A tiny environment: $D is "/data", anything else unset.
    std::string out(text);
    if (const auto pos = out.find("$D"); pos != std::string::npos) out.replace(pos, 2, "/data");
    return out;
  });
}

struct BadMount {
  std::string value;
  std::string error;
};

class MountErrors : public testing::TestWithParam<BadMount> {};

TEST_P(MountErrors, ReportsLikeBuildKit) {
  auto mount = parse(GetParam().value);
  ASSERT_FALSE(mount.has_value()) << GetParam().value;
  EXPECT_EQ(mount.error().message, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MountErrors,
    testing::Values(
        BadMount{"type=foo,target=/x", "unsupported mount type \"foo\""},
        BadMount{"type=cach,target=/x", "unsupported mount type \"cach\" (did you mean cache?)"},
        BadMount{"type=bind,target=/x,mode=0755", "mode not allowed for \"bind\" type mounts"},
        BadMount{"type=tmpfs,target=/x,uid=1", "uid not allowed for \"tmpfs\" type mounts"},
        BadMount{"type=tmpfs,target=/x,gid=1", "gid not allowed for \"tmpfs\" type mounts"},
        BadMount{"type=cache,target=/x,sharing=foo", "unsupported sharing value \"foo\""},
        BadMount{"type=cache,target=/x,sharing=privte", "unsupported sharing value \"privte\" (did you mean private?)"},
        BadMount{"type=secret,id=x,sharing=shared", "secret mount should not define sharing"},
        BadMount{"type=secret,id=x,from=build", "secret mount should not have a from"},
        BadMount{"type=secret", "invalid secret mount. one of source, target required"},
        BadMount{"type=secret,id=a,source=b", "both source and id can't be set"},
        BadMount{"type=bind,target=/x,required", "unexpected key 'required' for mount type 'bind'"},
        BadMount{"type=cache,target=/x,size=10m", "unexpected key 'size' for mount type 'cache'"},
        // The type must come first: keys are checked against the type so far.
        BadMount{"size=1m,type=tmpfs,target=/x", "unexpected key 'size' for mount type 'bind'"},
        BadMount{"type=bind,zzzz=bar", "unexpected key 'zzzz' in 'zzzz=bar'"},
        BadMount{"type=bind,tagret=/x", "unexpected key 'tagret' in 'tagret=/x' (did you mean target?)"},
        BadMount{"type=bind,xyz", "invalid field 'xyz' must be a key=value pair"},
        BadMount{"type=cache,target=/x,mode=999", "invalid value 999 for mode"},
        BadMount{"type=cache,target=/x,uid=abc", "invalid value abc for uid"},
        BadMount{"type=bind,target=/x,ro=maybe", "invalid value for ro: maybe"},
        BadMount{"type=tmpfs,target=/x,size=lots", "invalid value for size: lots"},
        BadMount{"type=cache,sharing=shared,target=/x,type=bind", "invalid cache sharing set for bind mount"},
        BadMount{"type=bind,from=$STAGE", "'from' doesn't support variable expansion, define alias stage instead"},
        BadMount{"type=\"bind", "failed to parse csv mounts: parse error on line 1, column 6: bare \" in non-quoted-field"},
        BadMount{"\"type=bind", "failed to parse csv mounts: parse error on line 1, column 1: extraneous or missing \" in "
                                "quoted-field"}));

TEST(MountValues, BindDefaults) {
  auto mount = parse("target=/src,source=app,from=build");
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(mount->type, MountType::bind);
  EXPECT_TRUE(mount->read_only);
  EXPECT_EQ(mount->source, "app");
  EXPECT_EQ(mount->from, "build");
  EXPECT_TRUE(parse("target=/src,rw")->read_only == false);
  EXPECT_TRUE(parse("target=/src,readwrite=true")->read_only == false);
}

TEST(MountValues, CacheDefaultsAndOptions) {
  auto mount = parse("type=cache,dst=/var/cache/apt/,sharing=LOCKED,mode=0700,uid=1000,gid=1000");
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(mount->type, MountType::cache);
  EXPECT_FALSE(mount->read_only);
  EXPECT_EQ(mount->id, "/var/cache/apt");
  EXPECT_EQ(mount->sharing, "locked");
  EXPECT_EQ(mount->mode, 0700u);
  EXPECT_EQ(mount->uid, 1000u);
  EXPECT_EQ(mount->gid, 1000u);
  EXPECT_EQ(parse("type=cache,target=/x")->sharing, "shared");
  EXPECT_EQ(parse("type=cache,target=/x,id=mine")->id, "mine");
  EXPECT_TRUE(parse("type=cache,target=/x,ro")->read_only);
  // Option values are expanded; `from` is not.
  EXPECT_EQ(parse("type=cache,target=$D")->target, "/data");
}

TEST(MountValues, TmpfsSize) {
  EXPECT_EQ(parse("type=tmpfs,target=/t,size=64m")->size, 64LL * 1024 * 1024);
  EXPECT_EQ(parse("type=tmpfs,target=/t,size=1.5G")->size, 1536LL * 1024 * 1024);
  EXPECT_EQ(parse("type=tmpfs,target=/t,size=512")->size, 512);
  EXPECT_FALSE(parse("type=tmpfs,target=/t")->read_only);
}

TEST(MountValues, SecretDefaults) {
  auto by_target = parse("type=secret,target=/run/x/token");
  EXPECT_EQ(by_target->id, "token");
  EXPECT_EQ(by_target->target, "/run/x/token");
  EXPECT_TRUE(by_target->read_only);
  auto by_id = parse("type=secret,id=aws,required");
  EXPECT_EQ(by_id->target, "/run/secrets/aws");
  EXPECT_TRUE(by_id->required);
  auto as_env = parse("type=secret,id=aws,env=AWS_KEY");
  EXPECT_EQ(as_env->target, "");
  EXPECT_EQ(as_env->env, "AWS_KEY");
  EXPECT_EQ(parse("type=secret,source=npmrc")->id, "npmrc");
}

TEST(MountValues, SshDefaults) {
  auto mount = parse("type=ssh,required=true");
  ASSERT_TRUE(mount.has_value());
  EXPECT_EQ(mount->id, "default");
  EXPECT_TRUE(mount->required);
}

TEST(MountValues, QuotedCsvFields) {
  auto mount = parse("type=bind,\"target=/a,b\",source=\"x\"\"y\"");
  ASSERT_FALSE(mount.has_value()); // `source="x""y"` is a bare quote inside an unquoted field
  auto quoted = parse("type=bind,\"target=/a,b\"");
  ASSERT_TRUE(quoted.has_value());
  EXPECT_EQ(quoted->target, "/a,b");
}

TEST(Devices, Parse) {
  auto device = parse_device("vendor.com/class=name,required");
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->name, "vendor.com/class=name");
  EXPECT_TRUE(device->required);
  EXPECT_EQ(parse_device("name=x,required=false")->name, "x");
  EXPECT_EQ(parse_device("a,b").error().message, "invalid field 'b' must be a key=value pair");
  EXPECT_EQ(parse_device("name=a,name=b").error().message, "device name already set to a");
}

} // namespace
