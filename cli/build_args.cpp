#include "cli/build_args.hpp"

#include <cstdlib>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace distill::cli {

namespace po = boost::program_options;
using backend::build::BuildOptions;
using backend::build::Compression;
using backend::build::Output;
using backend::build::OutputType;
using backend::build::ProgressMode;

bool split_key_value(const std::string& text, std::pair<std::string, std::string>& out,
                     bool value_from_env) {
  const auto equals = text.find('=');
  if (equals == 0 || text.empty()) {
    return false;
  }
  if (equals == std::string::npos) {
    out.first = text;
    const char* value = value_from_env ? std::getenv(text.c_str()) : nullptr;
    out.second = value != nullptr ? value : "";
    return true;
  }
  out = {text.substr(0, equals), text.substr(equals + 1)};
  return true;
}

namespace {

// "type=oci,dest=out.tar" -> fields; a bare "PATH" means type=local,dest=PATH
// and "-" a tar to stdout, as buildx reads them.
std::variant<Output, UsageError> parse_output(const std::string& text) {
  Output output;
  if (text.find('=') == std::string::npos) {
    output.type = text == "-" ? OutputType::oci_archive : OutputType::local;
    output.dest = text;
    return output;
  }
  std::string type;
  std::stringstream fields(text);
  std::string field;
  while (std::getline(fields, field, ',')) {
    std::pair<std::string, std::string> kv;
    if (!split_key_value(field, kv, false)) {
      return UsageError{fmt::format("invalid --output field '{}'", field)};
    }
    if (kv.first == "type") {
      type = kv.second;
    } else if (kv.first == "dest") {
      output.dest = kv.second;
    } else if (kv.first == "name") {
      output.name = kv.second;
    } else if (kv.first == "push") {
      output.push = kv.second == "true" || kv.second.empty();
    } else if (kv.first != "tar" && kv.first != "compression" && kv.first != "oci-mediatypes") {
      return UsageError{fmt::format("unknown --output field '{}'", kv.first)};
    }
  }
  if (type == "oci") {
    output.type = OutputType::oci_archive;
  } else if (type == "oci-layout" || type == "oci-dir") {
    output.type = OutputType::oci;
  } else if (type == "docker") {
    output.type = OutputType::docker_archive;
  } else if (type == "tar") {
    output.type = OutputType::oci_archive;
  } else if (type == "local") {
    output.type = OutputType::local;
  } else if (type == "image" || type == "registry") {
    output.type = OutputType::image;
    output.push = output.push || type == "registry";
  } else {
    return UsageError{fmt::format("unknown --output type '{}' (use oci, oci-layout, docker, tar, local, image)",
                                  type)};
  }
  if (output.type != OutputType::image && output.dest.empty()) {
    return UsageError{fmt::format("--output type={} needs dest=PATH", type)};
  }
  return output;
}

std::variant<backend::build::Secret, UsageError> parse_secret(const std::string& text) {
  backend::build::Secret secret;
  std::stringstream fields(text);
  std::string field;
  while (std::getline(fields, field, ',')) {
    std::pair<std::string, std::string> kv;
    if (!split_key_value(field, kv, false)) {
      return UsageError{fmt::format("invalid --secret field '{}'", field)};
    }
    if (kv.first == "id") {
      secret.id = kv.second;
    } else if (kv.first == "src" || kv.first == "source") {
      secret.src = kv.second;
    } else if (kv.first == "env") {
      secret.env = kv.second;
    } else if (kv.first != "type") {
      return UsageError{fmt::format("unknown --secret field '{}'", kv.first)};
    }
  }
  if (secret.id.empty()) {
    return UsageError{"--secret needs id=NAME"};
  }
  if (secret.src.empty() && secret.env.empty()) {
    // docker's default: an environment variable named like the id.
    secret.env = secret.id;
  }
  return secret;
}

} // namespace

BuildArgsResult parse_build_args(const Args& args) {
  po::options_description visible("usage: distill build [options] CONTEXT\n\noptions");
  std::vector<std::string> tags, build_args, labels, outputs, secrets;
  std::string dockerfile, progress = "auto", compression = "gzip", context;
  std::int64_t epoch = -1;
  BuildOptions options;
  visible.add_options()
    ("help,h", "show this help")
    ("file,f", po::value(&dockerfile), "the Dockerfile (default: CONTEXT/Dockerfile)")
    ("tag,t", po::value(&tags)->composing(), "name and tag, NAME[:TAG] (repeatable)")
    ("build-arg", po::value(&build_args)->composing(), "set a build-time variable K=V")
    ("target", po::value(&options.target), "the stage to build")
    ("platform", po::value(&options.platform), "target platform (linux/amd64)")
    ("label", po::value(&labels)->composing(), "set an image label K=V")
    ("no-cache", po::bool_switch(&options.no_cache), "do not use the step cache")
    ("progress", po::value(&progress), "auto, tty, plain, json or quiet")
    ("output,o", po::value(&outputs)->composing(),
     "type=oci|oci-layout|docker|tar|local|image,dest=PATH (default: the local store)")
    ("iidfile", po::value(&options.iidfile), "write the image digest to a file")
    ("metadata-file", po::value(&options.metadata_file), "write build metadata (JSON) to a file")
    ("sbom", po::value(&options.sbom_file), "also write the SPDX SBOM to a file")
    ("minimal", po::bool_switch(&options.minimal), "only the packages the image needs")
    ("locked", po::bool_switch(&options.locked), "fail rather than change distill.lock")
    ("offline", po::bool_switch(&options.offline), "use only the download cache")
    ("push", po::bool_switch(&options.push), "push the tagged image to its registry")
    ("compression", po::value(&compression), "layer compression: gzip, zstd or none")
    ("source-date-epoch", po::value(&epoch), "timestamp for files and config (default: from the lock)")
    ("mirror", po::value(&options.mirror), "Debian/Ubuntu mirror URL")
    ("security-mirror", po::value(&options.security_mirror), "archive of <release>-security (Debian)")
    ("snapshot", po::value(&options.snapshot), "frozen archive URL; {archive} = the mirror's last path part")
    ("build-context", po::value(&options.build_contexts)->composing(),
     "NAME=docker-image://REF or NAME=oci-layout://DIR[:TAG]: what FROM NAME / COPY --from=NAME use")
    ("insecure-registry", po::value(&options.insecure_registries)->composing(),
     "HOST[:PORT] to reach over plain HTTP or unverified TLS (repeatable)")
    ("registry-mirror", po::value(&options.registry_mirrors)->composing(),
     "a mirror of the default registry, tried first (repeatable)")
    ("keyring", po::value(&options.keyring), "OpenPGP keyring to verify the archive with")
    ("network", po::value(&options.network), "default network of RUN steps: default or none")
    ("secret", po::value(&secrets)->composing(), "id=ID,src=FILE or id=ID,env=VAR");
  po::options_description hidden;
  hidden.add_options()("context", po::value(&context));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("context", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return UsageError{e.what()};
  }
  if (vm.count("help") != 0U) {
    std::ostringstream text;
    text << visible;
    return HelpRequested{text.str()};
  }
  if (context.empty()) {
    return UsageError{"a build context is required (e.g. 'distill build .')"};
  }
  std::error_code ec;
  if (dockerfile.empty() && std::filesystem::is_regular_file(context, ec)) {
    return UsageError{context + " is a file, not a build context: use -f " + context +
                      " and give the context (e.g. '.') as the argument"};
  }
  options.context = context;
  options.dockerfile = dockerfile.empty() ? options.context / "Dockerfile" : std::filesystem::path(dockerfile);
  options.tags = tags;
  for (const auto& arg : build_args) {
    std::pair<std::string, std::string> kv;
    if (!split_key_value(arg, kv, true)) {
      return UsageError{fmt::format("invalid --build-arg '{}' (use KEY=VALUE)", arg)};
    }
    options.build_args.push_back(kv);
  }
  for (const auto& label : labels) {
    std::pair<std::string, std::string> kv;
    if (!split_key_value(label, kv, false)) {
      return UsageError{fmt::format("invalid --label '{}' (use KEY=VALUE)", label)};
    }
    options.labels.push_back(kv);
  }
  for (const auto& text : outputs) {
    auto parsed = parse_output(text);
    if (auto* error = std::get_if<UsageError>(&parsed)) {
      return *error;
    }
    options.outputs.push_back(std::get<Output>(parsed));
  }
  for (const auto& text : secrets) {
    auto parsed = parse_secret(text);
    if (auto* error = std::get_if<UsageError>(&parsed)) {
      return *error;
    }
    options.secrets.push_back(std::get<backend::build::Secret>(parsed));
  }
  static const std::pair<const char*, ProgressMode> k_progress[] = {
      {"auto", ProgressMode::auto_}, {"tty", ProgressMode::tty},   {"plain", ProgressMode::plain},
      {"json", ProgressMode::json},  {"quiet", ProgressMode::quiet}, {"rawjson", ProgressMode::json}};
  bool known_progress = false;
  for (const auto& [name, mode] : k_progress) {
    if (progress == name) {
      options.progress = mode;
      known_progress = true;
    }
  }
  if (!known_progress) {
    return UsageError{fmt::format("unknown --progress '{}' (use auto, tty, plain, json or quiet)", progress)};
  }
  if (compression == "gzip") {
    options.compression = Compression::gzip;
  } else if (compression == "zstd") {
    options.compression = Compression::zstd;
  } else if (compression == "none" || compression == "uncompressed") {
    options.compression = Compression::none;
  } else {
    return UsageError{fmt::format("unknown --compression '{}' (use gzip, zstd or none)", compression)};
  }
  if (options.network != "default" && options.network != "none" && options.network != "host") {
    return UsageError{fmt::format("unknown --network '{}' (use default or none)", options.network)};
  }
  if (epoch >= 0) {
    options.source_date_epoch = epoch;
  } else if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long long value = std::strtoll(env, &end, 10);
    if (end == nullptr || *end != '\0' || value < 0) {
      return UsageError{fmt::format("SOURCE_DATE_EPOCH='{}' is not a non-negative integer", env)};
    }
    options.source_date_epoch = value;
  }
  options.cache_dir = backend::build::default_cache_dir();
  options.store_dir = backend::build::default_store_dir();
  return options;
}

} // namespace distill::cli
