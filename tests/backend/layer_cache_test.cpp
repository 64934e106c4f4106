#include "backend/build/layer_cache.hpp"

#include "backend/oci/layout.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

namespace fs = std::filesystem;
using distill::testing::TempDir;

class LayerCacheTest : public ::testing::Test {
protected:
  // A blob in the layout's store, as the layer writer leaves it.
  oci::ImageLayer put_blob(const std::string& bytes) {
    const std::string hex = support::sha256_hex(bytes);
    const fs::path path = oci::blobs_dir(layout()) / "sha256" / hex;
    fs::create_directories(path.parent_path());
    EXPECT_TRUE(support::write_file_atomic(path, bytes).has_value());
    oci::ImageLayer layer;
    layer.blob.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
    layer.blob.digest = "sha256:" + hex;
    layer.blob.size = bytes.size();
    layer.diff_id = "sha256:" + support::sha256_hex("tar of " + bytes);
    return layer;
  }
  fs::path cache() const { return m_temp.path() / "cache"; }
  fs::path layout() const { return m_temp.path() / "store"; }
  TempDir m_temp;
};

TEST(CacheKeyTest, EveryPartAndItsPlaceCounts) {
  const std::string base = CacheKey("copy").add("a").add("b").hex();
  EXPECT_EQ(base, CacheKey("copy").add("a").add("b").hex());
  EXPECT_NE(base, CacheKey("copy").add("ab").hex());         // no two part lists give one text
  EXPECT_NE(base, CacheKey("copy").add("b").add("a").hex()); // order counts
  EXPECT_NE(base, CacheKey("run").add("a").add("b").hex());  // so does the kind
  oci::ImageLayer one;
  one.blob.digest = "sha256:1";
  oci::ImageLayer two;
  two.blob.digest = "sha256:2";
  EXPECT_NE(CacheKey("copy").add(std::vector{one, two}).hex(), CacheKey("copy").add(std::vector{two, one}).hex());
  EXPECT_NE(CacheKey("copy").add(std::int64_t{0}).hex(), CacheKey("copy").add(std::int64_t{1}).hex());
}

TEST_F(LayerCacheTest, ARecordComesBackWhileItsBlobsAreInTheStore) {
  StepRecord record;
  record.layers = {put_blob("first layer"), put_blob("second layer")};
  record.history = {{"RUN apt-get install -y curl", false}, {"debian bookworm: generated files", false}};
  record.notes = {"libfoo: postinst: 'frob' not modelled"};
  ASSERT_TRUE(store_step_record(cache(), "abc", record).has_value());

  auto found = find_step_record(cache(), "abc", layout());
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->layers.size(), 2u);
  EXPECT_EQ(found->layers[1].blob.digest, record.layers[1].blob.digest);
  EXPECT_EQ(found->layers[1].blob.size, record.layers[1].blob.size);
  EXPECT_EQ(found->layers[1].blob.media_type, record.layers[1].blob.media_type);
  EXPECT_EQ(found->layers[0].diff_id, record.layers[0].diff_id);
  ASSERT_EQ(found->history.size(), 2u);
  EXPECT_EQ(found->history[0].created_by, "RUN apt-get install -y curl");
  EXPECT_FALSE(found->history[0].empty_layer);
  EXPECT_EQ(found->notes, record.notes);

  EXPECT_FALSE(find_step_record(cache(), "other", layout()).has_value());
  // Another store does not have the blobs: the step is made again.
  EXPECT_FALSE(find_step_record(cache(), "abc", m_temp.path() / "elsewhere").has_value());
}

TEST_F(LayerCacheTest, AMissingOrChangedBlobOrADamagedRecordIsAMiss) {
  StepRecord record;
  record.layers = {put_blob("kept"), put_blob("removed later")};
  ASSERT_TRUE(store_step_record(cache(), "k", record).has_value());
  ASSERT_TRUE(find_step_record(cache(), "k", layout()).has_value());
  fs::remove(oci::blobs_dir(layout()) / "sha256" / record.layers[1].blob.digest.substr(7));
  EXPECT_FALSE(find_step_record(cache(), "k", layout()).has_value());

  const auto blob = put_blob("truncated");
  record.layers = {blob};
  ASSERT_TRUE(store_step_record(cache(), "t", record).has_value());
  ASSERT_TRUE(support::write_file_atomic(oci::blobs_dir(layout()) / "sha256" / blob.blob.digest.substr(7), "tr")
                  .has_value());
  EXPECT_FALSE(find_step_record(cache(), "t", layout()).has_value());

  ASSERT_TRUE(support::write_file_atomic(cache() / "layer-cache" / "bad.json", "{\"version\":1,\"layers\":[{").has_value());
  EXPECT_FALSE(find_step_record(cache(), "bad", layout()).has_value());
  ASSERT_TRUE(support::write_file_atomic(cache() / "layer-cache" / "typed.json",
                                         "{\"version\":1,\"layers\":[{\"digest\":5}]}")
                  .has_value());
  EXPECT_FALSE(find_step_record(cache(), "typed", layout()).has_value());
}

TEST_F(LayerCacheTest, AnEmptyStepKeepsItsHistory) {
  StepRecord record;
  record.history = {{"RUN mkdir -p /already/there", true}};
  ASSERT_TRUE(store_step_record(cache(), "empty", record).has_value());
  auto found = find_step_record(cache(), "empty", layout());
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->layers.empty());
  ASSERT_EQ(found->history.size(), 1u);
  EXPECT_TRUE(found->history[0].empty_layer);
}

TEST_F(LayerCacheTest, DerivedTextsRoundTrip) {
  EXPECT_FALSE(find_derived(cache(), "sbom-key").has_value());
  ASSERT_TRUE(store_derived(cache(), "sbom-key", "{\"spdxVersion\":\"SPDX-2.3\"}\n").has_value());
  EXPECT_EQ(find_derived(cache(), "sbom-key").value_or(""), "{\"spdxVersion\":\"SPDX-2.3\"}\n");
}

} // namespace
} // namespace distill::backend::build
