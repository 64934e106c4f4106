#include "backend/build/executor.hpp"

#include "backend/build/base_platform_check.hpp"
#include "backend/build/copy_exec.hpp"
#include "backend/build/file_op_exec.hpp"
#include "backend/build/image_pull.hpp"
#include "backend/build/layer_cache.hpp"
#include "backend/build/layer_skeleton.hpp"
#include "backend/build/package_exec.hpp"
#include "backend/build/url_source.hpp"
#include "backend/layer/blob_dir.hpp"
#include "backend/layer/layer_reader.hpp"
#include "backend/layer/layer_writer.hpp"
#include "backend/oci/json.hpp"
#include "backend/oci/layout.hpp"
#include "backend/registry/named_context.hpp"
#include "backend/registry/platform.hpp"
#include "backend/registry/pull.hpp"
#include "backend/sandbox/layer_dir.hpp"
#include "backend/sandbox/run_step.hpp"

#include <set>

#include <fmt/format.h>

namespace distill::backend::build {

namespace {

template <typename T>
const planner::Ranges& ranges_of(const T& op) {
  return op.where;
}

const planner::Ranges& op_ranges(const planner::Op& op) {
  return std::visit([](const auto& each) -> const planner::Ranges& { return ranges_of(each); }, op);
}

support::Error located(support::Error error, const planner::Ranges& where) {
  if (!error.where && !where.empty()) {
    error.where = where.front();
  }
  return error;
}

layer::LayerOptions layer_options(const ExecutorInputs& in) {
  layer::LayerOptions options;
  options.tar.source_date_epoch = in.epoch;
  switch (in.options->compression) {
  case Compression::gzip:
    options.compression = layer::Compression::gzip;
    break;
  case Compression::zstd:
    options.compression = layer::Compression::zstd;
    break;
  case Compression::none:
    options.compression = layer::Compression::none;
    break;
  }
  return options;
}

class StageExecutor {
public:
  // `images`: the images COPY --from names, pulled once per build.
  // `exported`: the stage's layers end up in the image; those of a stage that
  // only feeds COPY --from or a RUN mount are written uncompressed.
  StageExecutor(const ExecutorInputs& in, std::map<int, BuiltStage>& done,
                std::map<std::string, std::unique_ptr<BuiltStage>>& images, bool exported)
      : m_in(in), m_done(done), m_images(images), m_exported(exported) {}

  support::Result<BuiltStage> run(const planner::Stage& stage) {
    m_stage = &stage;
    if (auto based = start(stage); !based) {
      return std::unexpected(located(based.error(), stage.base.where));
    }
    int install_index = 0;
    for (std::size_t i = 0; i < stage.steps.size(); ++i) {
      const auto& step = stage.steps[i];
      m_step_index = i;
      support::Result<void> done;
      if (const auto* install = std::get_if<planner::InstallPackages>(&step.op)) {
        done = install_packages(*install, install_index++, step.created_by);
      } else if (const auto* run = std::get_if<planner::Run>(&step.op)) {
        done = run_step(*run, step.created_by);
      } else if (const auto* copy = std::get_if<planner::Copy>(&step.op)) {
        done = copy_step(*copy, step.created_by);
      } else if (is_file_op(step.op)) {
        // Consecutive file ops from one RUN line make one layer, like the RUN would.
        std::size_t end = i + 1;
        while (end < stage.steps.size() && is_file_op(stage.steps[end].op) &&
               same_origin(stage.steps[end].op, step.op)) {
          ++end;
        }
        done = file_ops(stage.steps, i, end);
        i = end - 1;
      } else {
        done = config_step(step);
      }
      if (!done) {
        return std::unexpected(located(done.error(), op_ranges(step.op)));
      }
    }
    m_built.packages = m_installed;
    for (const auto& [key, value] : m_in.options->labels) {
      if (stage.index == m_in.plan->stages.at(static_cast<std::size_t>(m_in.plan->target)).index) {
        m_built.config.labels[key] = value;
      }
    }
    return std::move(m_built);
  }

private:
  static bool is_file_op(const planner::Op& op) {
    return std::holds_alternative<planner::Mkdir>(op) || std::holds_alternative<planner::Symlink>(op) ||
           std::holds_alternative<planner::WriteFile>(op) || std::holds_alternative<planner::Remove>(op) ||
           std::holds_alternative<planner::Chmod>(op) || std::holds_alternative<planner::Chown>(op) ||
           std::holds_alternative<planner::AddUser>(op) || std::holds_alternative<planner::AddGroup>(op);
  }

  static bool same_origin(const planner::Op& a, const planner::Op& b) {
    const auto& ra = op_ranges(a);
    const auto& rb = op_ranges(b);
    return !ra.empty() && !rb.empty() && ra.front().begin.line == rb.front().begin.line;
  }

  std::string created() const { return oci::rfc3339(m_in.epoch); }

  void history(const std::string& created_by, bool empty_layer) {
    oci::HistoryEntry entry;
    entry.created = created();
    entry.created_by = created_by;
    entry.comment = "buildkit.dockerfile.v0";
    entry.empty_layer = empty_layer;
    m_built.config.history.push_back(std::move(entry));
  }

  // How this stage's layers are written: compressing what no image holds
  // would only cost time.
  layer::LayerOptions layer_settings() const {
    auto options = layer_options(m_in);
    if (!m_exported) {
      options.compression = layer::Compression::none;
    }
    return options;
  }

  support::Result<void> ensure_files() {
    std::vector<std::size_t> read_back;
    for (std::size_t i = m_built.applied; i < m_built.layers.size(); ++i) {
      if (!m_built.layer_trees[i]) {
        read_back.push_back(i);
      }
    }
    if (auto loaded = load_stage_files(m_built, m_in.layout, m_in.spool_dir); !loaded) {
      return loaded;
    }
    for (const auto i : read_back) {
      store_skeleton(m_in.options->cache_dir, m_built.layers[i].blob.digest, *m_built.layer_trees[i]);
    }
    return {};
  }

  // The files below the step as far as placing a COPY or making a WORKDIR
  // needs them (paths, types, link targets, the account databases): the
  // rootfs when it is loaded, else the layers' skeletons, and the rootfs
  // read back from the store only when a skeleton is missing.
  support::Result<const fs::Tree*> shape() {
    if (m_built.applied == m_built.layers.size()) {
      return &m_built.rootfs;
    }
    for (; m_shape_layers < m_built.layers.size(); ++m_shape_layers) {
      const fs::Tree* layer = m_built.layer_trees[m_shape_layers].get();
      std::optional<fs::Tree> skeleton;
      if (layer == nullptr) {
        skeleton = load_skeleton(m_in.options->cache_dir, m_built.layers[m_shape_layers].blob.digest);
        if (!skeleton) {
          if (auto loaded = ensure_files(); !loaded) {
            return std::unexpected(loaded.error());
          }
          return &m_built.rootfs;
        }
        layer = &*skeleton;
      }
      if (auto applied = fs::apply_layer(m_shape, *layer); !applied) {
        return std::unexpected(applied.error());
      }
    }
    return &m_shape;
  }

  // The start of a step's cache key: what it is, the build's settings, and
  // the layers below it (which decide the files it sees). Empty when the
  // build keeps no layer cache.
  std::optional<CacheKey> cache_key(std::string_view kind) const {
    if (!m_in.fingerprint || m_in.options->cache_dir.empty()) {
      return std::nullopt;
    }
    const auto options = layer_settings();
    CacheKey key(kind);
    key.add(m_in.epoch).add(static_cast<std::int64_t>(options.compression)).add(options.level);
    key.add(m_built.layers);
    return key;
  }

  struct Mark {
    std::size_t layers = 0;
    std::size_t history = 0;
    std::size_t notes = 0;
  };
  Mark mark() const {
    return {m_built.layers.size(), m_built.config.history.size(), m_built.unmodelled_scripts.size()};
  }

  // Takes a step's layers from the cache; false when there is no usable record.
  bool reuse(const std::optional<std::string>& key) {
    if (!key || m_in.options->no_cache) {
      return false;
    }
    auto record = find_step_record(m_in.options->cache_dir, *key, m_in.layout);
    if (!record) {
      return false;
    }
    for (auto& layer : record->layers) {
      m_built.layers.push_back(std::move(layer));
      m_built.layer_trees.push_back(nullptr);
    }
    for (const auto& entry : record->history) {
      history(entry.created_by, entry.empty_layer);
    }
    for (auto& note : record->notes) {
      m_built.unmodelled_scripts.push_back(std::move(note));
    }
    return true;
  }

  // Records what the step made since `from`; a cache that cannot be written
  // costs only the next build's time.
  void remember(const std::optional<std::string>& key, const Mark& from) {
    if (!key) {
      return;
    }
    StepRecord record;
    record.layers.assign(m_built.layers.begin() + static_cast<std::ptrdiff_t>(from.layers), m_built.layers.end());
    for (std::size_t i = from.history; i < m_built.config.history.size(); ++i) {
      const auto& entry = m_built.config.history[i];
      record.history.push_back({entry.created_by, entry.empty_layer});
    }
    record.notes.assign(m_built.unmodelled_scripts.begin() + static_cast<std::ptrdiff_t>(from.notes),
                        m_built.unmodelled_scripts.end());
    if (auto stored = store_step_record(m_in.options->cache_dir, *key, record); !stored) {
      m_in.log(fmt::format("note: layer cache not written: {}", stored.error().message));
    }
  }

  // Does `work` unless the cache has what it made under `key`.
  support::Result<void> cached(const std::optional<CacheKey>& key, std::string_view what,
                               const std::function<support::Result<void>()>& work) {
    const std::optional<std::string> hex = key ? std::optional(key->hex()) : std::nullopt;
    if (reuse(hex)) {
      m_in.log(fmt::format("cached {}", what));
      return {};
    }
    const Mark from = mark();
    if (auto done = work(); !done) {
      return done;
    }
    remember(hex, from);
    return {};
  }

  std::string fingerprint(const planner::Op& op) const { return m_in.fingerprint(op); }

  void add_package_inputs(CacheKey& key, const PackageStep& step) const {
    const StagePackages& stage = *step.stage;
    key.add(stage.distro).add(stage.suite).add(stage.slim ? 1 : 0).add(stage.minimal ? 1 : 0);
    key.add(stage.on_image ? 1 : 0).add(stage.mirror_uri).add(step.base ? 1 : 0);
    for (const auto* list : {&step.installed, &step.added}) {
      key.add(static_cast<std::int64_t>(list->size()));
      for (const auto& package : *list) {
        key.add(package.name).add(package.version).add(package.arch).add(package.sha256);
      }
    }
    for (const auto& user : step.users) {
      key.add(fingerprint(user));
    }
    for (const auto& group : step.groups) {
      key.add(fingerprint(group));
    }
  }

  support::Result<void> start(const planner::Stage& stage) {
    m_built.config.created = created();
    if (std::holds_alternative<planner::ScratchBase>(stage.base.kind)) {
      m_built.config.env = {fmt::format("PATH={}", oci::k_default_path)};
      m_built.config.working_dir = "/";
      return {};
    }
    if (const auto* earlier = std::get_if<planner::StageBase>(&stage.base.kind)) {
      const auto& from = m_in.plan->stages.at(static_cast<std::size_t>(earlier->stage));
      auto it = m_done.find(from.index);
      if (it == m_done.end()) {
        return support::fail("stage {} is not built yet", from.name);
      }
      m_built = it->second;
      m_built.config.on_build.clear();
      m_installed = it->second.packages;
      return {};
    }
    if (const auto* layout = std::get_if<planner::LayoutBase>(&stage.base.kind)) {
      return from_layout(*layout);
    }
    if (const auto* distro = std::get_if<planner::DistroBase>(&stage.base.kind)) {
      return from_distro(*distro);
    }
    return from_registry(std::get<planner::ImageBase>(stage.base.kind), stage.base.platform);
  }

  // A registry image (or OCI layout) named by COPY --from, pulled once per
  // stage; its files are read when a step needs them.
  support::Result<BuiltStage*> image_stage(const std::string& reference) {
    if (auto it = m_images.find(reference); it != m_images.end()) {
      return it->second.get();
    }
    StageExecutor pulling(m_in, m_done, m_images, false);
    // oci-layout:// comes from --build-context NAME=oci-layout://DIR[:TAG].
    auto pulled = reference.starts_with("oci-layout://")
                      ? pulling.from_layout(registry::parse_layout_reference(reference))
                      : pulling.from_registry(planner::ImageBase{reference, ""}, "");
    if (!pulled) {
      return std::unexpected(pulled.error());
    }
    auto& stage = m_images[reference];
    stage = std::make_unique<BuiltStage>(std::move(pulling.m_built));
    return stage.get();
  }

  // FROM an image in a registry: pulled into the download cache (verified by
  // digest), its layers linked into the store and stacked as the base.
  support::Result<void> from_registry(const planner::ImageBase& base, const std::string& stage_platform) {
    const fetch::Cache* cache = m_in.cache;
    ImagePullRequest request;
    request.reference = base.reference;
    // FROM name@sha256 wins; else the digest distill.lock resolved the tag to.
    request.pinned_digest = base.digest;
    if (const StagePackages* locked = m_stage != nullptr ? packages() : nullptr;
        request.pinned_digest.empty() && locked != nullptr) {
      request.pinned_digest = locked->image_digest;
    }
    request.platform = stage_platform.empty() ? m_in.options->platform : stage_platform;
    request.client.insecure_registries = m_in.options->insecure_registries;
    request.client.mirrors = m_in.options->registry_mirrors;
    request.client.auth_files = registry::auth_files_from_env();
    request.log = m_in.log;
    auto pulled = pull_base_image(request, *cache);
    if (!pulled) {
      return std::unexpected(pulled.error());
    }
    const auto& ref = pulled->reference;
    check_platform(request.platform, base.reference, pulled->config);
    m_built.config = pulled->config;
    m_built.config.on_build.clear();
    m_built.annotations["org.opencontainers.image.base.name"] = registry::to_string(ref);
    m_built.annotations["org.opencontainers.image.base.digest"] = pulled->resolved_digest;
    for (std::size_t i = 0; i < pulled->manifest.layers.size(); ++i) {
      const auto& descriptor = pulled->manifest.layers[i];
      if (auto placed = layer::place_blob(pulled->layer_files[i], oci::blobs_dir(m_in.layout), descriptor.digest,
                                          descriptor.size);
          !placed) {
        return placed;
      }
      // Read from the store when a step needs the files.
      m_built.layers.push_back(oci::ImageLayer{descriptor, pulled->config.diff_ids[i]});
      m_built.layer_trees.push_back(nullptr);
    }
    if (!oci::env_value(m_built.config.env, "PATH")) {
      oci::set_env(m_built.config.env, "PATH", oci::k_default_path);
    }
    return {};
  }

  support::Result<void> from_layout(const planner::LayoutBase& base) {
    auto image = oci::read_image(base.path, base.tag);
    if (!image) {
      return std::unexpected(image.error().context(fmt::format("reading oci-layout://{}", base.path)));
    }
    check_platform(m_stage != nullptr && !m_stage->base.platform.empty() ? m_stage->base.platform
                                                                         : m_in.options->platform,
                   "oci-layout://" + base.path, image->config);
    m_built.config = image->config;
    m_built.config.history = image->config.history;
    m_built.config.on_build.clear();
    m_built.annotations["org.opencontainers.image.base.name"] = "oci-layout://" + base.path +
                                                               (base.tag.empty() ? "" : ":" + base.tag);
    m_built.annotations["org.opencontainers.image.base.digest"] = image->descriptor.digest;
    std::size_t index = 0;
    for (const auto& descriptor : image->manifest.layers) {
      const auto source = layer::blob_path(oci::blobs_dir(base.path), descriptor.digest);
      if (auto placed = layer::place_blob(source, oci::blobs_dir(m_in.layout), descriptor.digest, descriptor.size);
          !placed) {
        return std::unexpected(placed.error().context(fmt::format("copying layer {}", descriptor.digest)));
      }
      oci::ImageLayer layer{descriptor, index < image->config.diff_ids.size() ? image->config.diff_ids[index] : ""};
      m_built.layers.push_back(layer);
      m_built.layer_trees.push_back(nullptr); // read from the store when needed
      ++index;
    }
    if (!oci::env_value(m_built.config.env, "PATH")) {
      oci::set_env(m_built.config.env, "PATH", oci::k_default_path);
    }
    return {};
  }

  // BuildKit's InvalidBaseImagePlatform, for a FROM (not for COPY --from).
  void check_platform(const std::string& requested, const std::string& image, const oci::ImageConfig& config) {
    if (m_stage == nullptr || !m_in.warn) {
      return;
    }
    const support::SourceRange where = m_stage->base.where.empty() ? support::SourceRange{} : m_stage->base.where.front();
    if (auto warning = check_base_platform(requested.empty() ? "linux/amd64" : requested, image,
                                           oci::Platform{config.architecture, config.os, config.variant}, where)) {
      m_in.warn(*warning);
    }
  }

  const StagePackages* packages() const {
    auto it = m_in.packages.find(m_stage->index);
    return it == m_in.packages.end() ? nullptr : &it->second;
  }

  support::Result<void> from_distro(const planner::DistroBase& base) {
    const StagePackages* locked = packages();
    if (locked == nullptr) {
      return support::fail("no locked packages for FROM {}", base.reference);
    }
    m_built.config.env = {fmt::format("PATH={}", oci::k_default_path)};
    m_built.config.cmd = {"bash"};
    m_built.annotations["org.opencontainers.image.base.name"] = base.reference;
    m_in.log(fmt::format("base {}: {} packages", base.reference, locked->base.size()));
    PackageStep step = package_step(*locked);
    step.added = locked->base;
    step.base = true;
    if (auto done = package_work(step, base.distro + " " + base.suite); !done) {
      return done;
    }
    m_installed = locked->base;
    if (locked->minimal) {
      m_built.config.cmd.clear(); // a minimal base may have no bash
    }
    return {};
  }

  support::Result<void> add_package_layers(PackageLayers& layers, const std::string& what) {
    std::vector<const fs::Tree*> trees;
    for (const auto& [name, tree] : layers.packages) {
      trees.push_back(&tree);
    }
    if (!layers.generated.empty()) {
      trees.push_back(&layers.generated);
    }
    auto blobs = layer::write_layers(trees, oci::blobs_dir(m_in.layout), layer_settings());
    if (!blobs) {
      return std::unexpected(blobs.error());
    }
    for (std::size_t i = 0; i < trees.size(); ++i) {
      store_skeleton(m_in.options->cache_dir, (*blobs)[i].digest, *trees[i]);
      m_built.layers.push_back(oci::image_layer((*blobs)[i]));
      const bool generated = i == layers.packages.size();
      history(generated ? fmt::format("{}: generated files", what)
                        : fmt::format("{}: {}", what, layers.packages[i].first),
              false);
    }
    for (auto& [name, tree] : layers.packages) {
      m_built.layer_trees.push_back(std::make_shared<fs::Tree>(std::move(tree)));
    }
    if (!layers.generated.empty()) {
      m_built.layer_trees.push_back(std::make_shared<fs::Tree>(std::move(layers.generated)));
    }
    for (auto& line : layers.unmodelled) {
      m_built.unmodelled_scripts.push_back(std::move(line));
    }
    return {};
  }

  support::Result<void> install_packages(const planner::InstallPackages& op, int index,
                                         const std::string& created_by) {
    const StagePackages* locked = packages();
    if (locked == nullptr || index >= static_cast<int>(locked->installs.size())) {
      return support::fail("no locked packages for this install step (run 'distill lock')");
    }
    const auto& list = locked->installs[static_cast<std::size_t>(index)];
    (void)op;
    m_in.log(fmt::format("install {} packages", list.size()));
    if (list.empty()) {
      history(created_by, true);
      return {};
    }
    PackageStep step = package_step(*locked);
    step.installed = m_installed;
    step.added = list;
    if (auto done = package_work(step, created_by); !done) {
      return done;
    }
    m_installed.insert(m_installed.end(), list.begin(), list.end());
    return {};
  }

  // The layers of a package step, from the cache or unpacked and written.
  support::Result<void> package_work(const PackageStep& step, const std::string& what) {
    auto key = cache_key("packages");
    if (key) {
      add_package_inputs(*key, step);
      key->add(what);
    }
    return cached(key, what, [&]() -> support::Result<void> {
      if (step.image != nullptr) {
        if (auto loaded = ensure_files(); !loaded) {
          return loaded;
        }
      }
      auto layers = package_layers(step);
      if (!layers) {
        return std::unexpected(layers.error());
      }
      return add_package_layers(*layers, what);
    });
  }

  PackageStep package_step(const StagePackages& locked) const {
    PackageStep step;
    step.stage = &locked;
    step.image = locked.on_image ? &m_built.rootfs : nullptr;
    step.epoch = m_in.epoch;
    step.spool_dir = m_in.spool_dir;
    // Only the accounts made before this step: later ones are still to come.
    for (std::size_t i = 0; i < m_step_index && i < m_stage->steps.size(); ++i) {
      const auto& each = m_stage->steps[i];
      if (const auto* user = std::get_if<planner::AddUser>(&each.op)) {
        step.users.push_back(*user);
      } else if (const auto* group = std::get_if<planner::AddGroup>(&each.op)) {
        step.groups.push_back(*group);
      }
    }
    return step;
  }

  support::Result<void> add_layer(fs::Tree tree, const std::string& created_by) {
    auto blob = layer::write_layer(tree, oci::blobs_dir(m_in.layout), layer_settings());
    if (!blob) {
      return std::unexpected(blob.error());
    }
    store_skeleton(m_in.options->cache_dir, blob->digest, tree);
    m_built.layers.push_back(oci::image_layer(*blob));
    m_built.layer_trees.push_back(std::make_shared<fs::Tree>(std::move(tree)));
    history(created_by, false);
    return {};
  }

  // True when every layer below is unpacked in the sandbox's cache, so that
  // a RUN needs none of their trees.
  bool layers_unpacked() const {
    for (const auto& layer : m_built.layers) {
      auto dir = sandbox::layer_dir(m_in.options->cache_dir, layer.blob.digest);
      std::error_code ec;
      if (!dir || !std::filesystem::is_directory(*dir, ec)) {
        return false;
      }
    }
    return true;
  }

  support::Result<void> run_step(const planner::Run& run, const std::string& created_by) {
    if (!layers_unpacked()) {
      if (auto loaded = ensure_files(); !loaded) {
        return loaded;
      }
    }
    for (const auto& mount : run.mounts) {
      if (auto it = m_done.find(mount.from_stage); mount.from_stage >= 0 && it != m_done.end()) {
        if (auto loaded = load_stage_files(it->second, m_in.layout, m_in.spool_dir); !loaded) {
          return loaded;
        }
      }
    }
    sandbox::StepOptions options;
    options.cache_dir = m_in.options->cache_dir;
    for (std::size_t i = 0; i < m_built.layers.size(); ++i) {
      options.layers.push_back({m_built.layers[i].blob.digest, m_built.layer_trees[i].get()});
    }
    options.default_network = m_in.options->network;
    options.no_cache = m_in.options->no_cache;
    options.file_name = m_in.file_name;
    options.on_output = m_in.step_output;
    options.binds.context_dir = m_in.context.root;
    // RUN --mount=type=bind,from=<stage> reads that stage's finished rootfs.
    for (const auto& [index, built] : m_done) {
      options.binds.stage_trees[index] = &built.rootfs;
    }
    for (const auto& secret : m_in.options->secrets) {
      options.secrets.push_back({secret.id, secret.src, secret.env});
    }
    m_in.log(fmt::format("run {}", created_by));
    auto result = sandbox::run_step(run, options);
    if (!result) {
      return std::unexpected(result.error());
    }
    // The sandbox's key covers the layers below, the command and its mounts.
    auto key = cache_key("run");
    if (key) {
      key->add(result->cache_key).add(created_by);
    }
    return cached(key, created_by, [&] { return add_layer(std::move(result->layer), created_by); });
  }

  support::Result<void> copy_step(const planner::Copy& op, const std::string& created_by) {
    CopyInputs inputs;
    inputs.epoch = m_in.epoch;
    inputs.download = [this](const std::string& url, const std::string& checksum) {
      m_in.log(fmt::format("download {}", url));
      return fetch_url_source(url, checksum, *m_in.cache, *m_in.fetcher);
    };
    auto key = cache_key("copy");
    if (key) {
      key->add(fingerprint(op)).add(created_by);
    }
    // Sources from another stage or an image are keyed by its layers and read
    // only when the step is not in the cache.
    BuiltStage* from_stage = nullptr;
    if (op.from_stage >= 0) {
      auto it = m_done.find(op.from_stage);
      if (it == m_done.end()) {
        return support::fail("COPY --from={}: stage not built", op.from);
      }
      from_stage = &it->second;
    } else if (op.from.starts_with(registry::k_directory_scheme)) {
      // A directory named by --build-context: a second build context.
      const std::string dir = op.from.substr(registry::k_directory_scheme.size());
      auto& listing = m_named_contexts[dir];
      if (!listing.context) {
        listing.context = std::make_unique<BuildContext>(BuildContext{dir, {}});
        auto listed = list_context(*listing.context);
        if (!listed) {
          return std::unexpected(listed.error().context(fmt::format("--build-context directory {}", dir)));
        }
        listing.paths = std::move(*listed);
      }
      inputs.context = listing.context.get();
      inputs.context_paths = &listing.paths;
    } else if (!op.from.empty()) {
      auto image = image_stage(op.from);
      if (!image) {
        return std::unexpected(image.error().context(fmt::format("COPY --from={}", op.from)));
      }
      from_stage = *image;
    } else {
      if (!m_context_paths) {
        auto listed = list_context(m_in.context);
        if (!listed) {
          return std::unexpected(listed.error());
        }
        m_context_paths = std::move(*listed);
      }
      inputs.context = &m_in.context;
      inputs.context_paths = &*m_context_paths;
    }
    std::optional<std::vector<CopySource>> sources;
    if (from_stage != nullptr) {
      if (key) {
        key->add(from_stage->layers);
      }
    } else {
      auto collected = collect_copy_sources(op, inputs);
      if (!collected) {
        return std::unexpected(collected.error());
      }
      sources = std::move(*collected);
      if (key) {
        auto digest = copy_sources_digest(*sources);
        if (!digest) {
          return std::unexpected(digest.error());
        }
        key->add(*digest);
      }
    }
    return cached(key, created_by, [&]() -> support::Result<void> {
      auto below = shape();
      if (!below) {
        return std::unexpected(below.error());
      }
      inputs.rootfs = *below;
      if (from_stage != nullptr) {
        if (auto loaded = load_stage_files(*from_stage, m_in.layout, m_in.spool_dir); !loaded) {
          return loaded;
        }
        inputs.from_rootfs = &from_stage->rootfs;
        auto collected = collect_copy_sources(op, inputs);
        if (!collected) {
          return std::unexpected(collected.error());
        }
        sources = std::move(*collected);
      }
      auto tree = place_copy_sources(op, std::move(*sources), inputs);
      if (!tree) {
        return std::unexpected(tree.error());
      }
      return add_layer(std::move(*tree), created_by);
    });
  }

  support::Result<void> file_ops(const std::vector<planner::Step>& steps, std::size_t begin, std::size_t end) {
    auto key = cache_key("file-ops");
    for (std::size_t i = begin; key && i < end; ++i) {
      key->add(fingerprint(steps[i].op)).add(steps[i].created_by);
    }
    return cached(key, steps[begin].created_by, [&]() -> support::Result<void> {
      if (auto loaded = ensure_files(); !loaded) {
        return loaded;
      }
      return apply_file_ops(steps, begin, end);
    });
  }

  support::Result<void> apply_file_ops(const std::vector<planner::Step>& steps, std::size_t begin, std::size_t end) {
    fs::Tree layer;
    std::string created_by;
    for (std::size_t i = begin; i < end; ++i) {
      auto applied = apply_file_op(steps[i].op, m_built.rootfs, layer, m_in.epoch);
      if (!applied) {
        return std::unexpected(located(applied.error(), op_ranges(steps[i].op)));
      }
      if (created_by.empty() || created_by != steps[i].created_by) {
        created_by = created_by.empty() ? steps[i].created_by : created_by;
      }
    }
    if (layer.empty()) {
      history(created_by, true);
      return {};
    }
    return add_layer(std::move(layer), created_by);
  }

  support::Result<void> config_step(const planner::Step& step) {
    auto& config = m_built.config;
    bool empty_layer = true;
    if (const auto* env = std::get_if<planner::SetEnv>(&step.op)) {
      for (const auto& [key, value] : env->values) {
        oci::set_env(config.env, key, value);
      }
    } else if (const auto* workdir = std::get_if<planner::SetWorkdir>(&step.op)) {
      config.working_dir = workdir->path;
      if (workdir->path != "/") {
        // BuildKit creates the directory and commits it as a layer.
        auto key = cache_key("workdir");
        if (key) {
          key->add(workdir->path).add(step.created_by);
        }
        return cached(key, step.created_by, [&]() -> support::Result<void> {
          auto below = shape();
          if (!below) {
            return std::unexpected(below.error());
          }
          fs::Tree layer;
          if ((*below)->find(workdir->path) == nullptr) {
            if (auto made = layer.add(workdir->path, fs::make_directory(0755, m_in.epoch)); !made) {
              return std::unexpected(made.error());
            }
          }
          return add_layer(std::move(layer), step.created_by);
        });
      }
    } else if (const auto* user = std::get_if<planner::SetUser>(&step.op)) {
      config.user = user->user;
    } else if (const auto* entrypoint = std::get_if<planner::SetEntrypoint>(&step.op)) {
      config.entrypoint = entrypoint->argv;
      if (!m_cmd_set_here) {
        config.cmd.clear(); // ENTRYPOINT clears an inherited CMD
      }
    } else if (const auto* cmd = std::get_if<planner::SetCmd>(&step.op)) {
      config.cmd = cmd->argv;
      config.args_escaped = true;
      m_cmd_set_here = true;
    } else if (const auto* labels = std::get_if<planner::SetLabels>(&step.op)) {
      for (const auto& [key, value] : labels->labels) {
        config.labels[key] = value;
      }
    } else if (const auto* expose = std::get_if<planner::Expose>(&step.op)) {
      for (const auto& port : expose->ports) {
        config.exposed_ports.insert(port);
      }
    } else if (const auto* volumes = std::get_if<planner::AddVolumes>(&step.op)) {
      for (const auto& path : volumes->paths) {
        config.volumes.insert(path);
      }
    } else if (const auto* health = std::get_if<planner::Healthcheck>(&step.op)) {
      oci::HealthConfig out;
      out.test = health->test;
      out.interval = health->interval_ns.value_or(0);
      out.timeout = health->timeout_ns.value_or(0);
      out.start_period = health->start_period_ns.value_or(0);
      out.start_interval = health->start_interval_ns.value_or(0);
      out.retries = health->retries.value_or(0);
      config.healthcheck = out;
    } else if (const auto* signal = std::get_if<planner::StopSignal>(&step.op)) {
      config.stop_signal = signal->signal;
    } else if (const auto* shell = std::get_if<planner::SetShell>(&step.op)) {
      config.shell = shell->shell;
    } else if (const auto* onbuild = std::get_if<planner::OnBuild>(&step.op)) {
      config.on_build.push_back(onbuild->instruction);
    }
    history(step.created_by, empty_layer);
    return {};
  }

  const ExecutorInputs& m_in;
  std::map<int, BuiltStage>& m_done;
  const planner::Stage* m_stage = nullptr;
  BuiltStage m_built;
  bool m_cmd_set_here = false;
  std::size_t m_step_index = 0;
  struct NamedDirectory {
    std::unique_ptr<BuildContext> context;
    std::vector<std::string> paths;
  };
  std::map<std::string, NamedDirectory> m_named_contexts; // --build-context directories by path
  std::vector<LockedPackage> m_installed; // the stage's packages so far
  fs::Tree m_shape;                 // shape() of layers [0, m_shape_layers)
  std::size_t m_shape_layers = 0;
  std::optional<std::vector<std::string>> m_context_paths;
  std::map<std::string, std::unique_ptr<BuiltStage>>& m_images; // COPY --from=IMAGE, by reference
  bool m_exported = true;
};

} // namespace

support::Result<void> load_stage_files(BuiltStage& stage, const std::filesystem::path& layout,
                                       const std::filesystem::path& spool_dir) {
  for (; stage.applied < stage.layers.size(); ++stage.applied) {
    auto& tree = stage.layer_trees.at(stage.applied);
    if (!tree) {
      const auto& digest = stage.layers[stage.applied].blob.digest;
      layer::ReadOptions options;
      options.scratch_dir = spool_dir;
      auto read = layer::read_layer(oci::blobs_dir(layout) / "sha256" / digest.substr(digest.find(':') + 1),
                                    options);
      if (!read) {
        return std::unexpected(read.error().context(fmt::format("reading layer {} from the store", digest)));
      }
      tree = std::make_shared<fs::Tree>(std::move(*read));
    }
    if (auto applied = fs::apply_layer(stage.rootfs, *tree); !applied) {
      return applied;
    }
  }
  return {};
}

support::Result<BuiltStage> execute_plan(const ExecutorInputs& inputs) {
  const auto& plan = *inputs.plan;
  if (plan.target < 0 || static_cast<std::size_t>(plan.target) >= plan.stages.size()) {
    return support::fail("the plan has no target stage");
  }
  // The target and the stages it is built FROM hold the image's layers.
  std::set<std::size_t> exported;
  for (auto i = static_cast<std::size_t>(plan.target); exported.insert(i).second;) {
    const auto* earlier = std::get_if<planner::StageBase>(&plan.stages[i].base.kind);
    if (earlier == nullptr) {
      break;
    }
    i = static_cast<std::size_t>(earlier->stage);
  }
  std::map<int, BuiltStage> done;
  std::map<std::string, std::unique_ptr<BuiltStage>> images;
  for (std::size_t i = 0; i <= static_cast<std::size_t>(plan.target); ++i) {
    const auto& stage = plan.stages[i];
    inputs.log(fmt::format("stage {}{}", stage.index, stage.name.empty() ? "" : " (" + stage.name + ")"));
    StageExecutor executor(inputs, done, images, exported.contains(i));
    auto built = executor.run(stage);
    if (!built) {
      return std::unexpected(built.error());
    }
    done[stage.index] = std::move(*built);
  }
  return std::move(done[plan.stages[static_cast<std::size_t>(plan.target)].index]);
}

} // namespace distill::backend::build
