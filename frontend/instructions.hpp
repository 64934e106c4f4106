#pragma once

// Typed, validated instructions (BuildKit's instructions/ layer) and the
// analyzed build (stages, ARG/ENV scope, the stage graph).
//
// build_commands() (below) turns the raw AST (ast.hpp) into these structs; at
// that point every Word has value == raw. analyze() (analyze.hpp) then copies
// them into a Build, expanding variables where BuildKit does, so in a Build
// `value` is the text after expansion and quote removal. Words that BuildKit
// never expands (RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK text, COPY --from,
// --exclude, --network, --security, mount from=) keep value == raw.
//
// Everything here is plain data: copyable, comparable by eye, no behaviour.

#include "frontend/ast.hpp"
#include "support/diagnostic.hpp"
#include "support/source.hpp"

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace distill::frontend {

// ---- Building blocks -------------------------------------------------------

// One word of an instruction: as written and as used.
struct Word {
  std::string raw;   // as written (quotes, escapes and $refs kept)
  std::string value; // after expansion and quote removal (== raw before analyze)
  SourceRange where; // the written text
};

// A `--name=value` string flag; `where` covers the whole `--name=value` text.
using StringFlag = std::optional<Word>;

// A bool flag (`--link`, `--link=true`, `--link=false`).
struct BoolFlag {
  bool present = false; // written at all
  bool value = false;   // true for a bare `--x` or `--x=true`
  SourceRange where;
};

// ENV / LABEL pair.
struct KeyValue {
  Word key;
  Word value;
  bool legacy = false; // `ENV k rest of line` form (no '=')
  SourceRange where;   // key through value
};

// One name of an ARG instruction: `ARG name[=default]`.
struct ArgDecl {
  Word name;
  std::optional<Word> default_value; // nullopt for `ARG name` (no '=')
  std::string comment;               // doc comment ("# name description"), may be empty
  SourceRange where;                 // the whole `name=default` word
};

// A heredoc used by RUN, or as an inline source of COPY/ADD.
struct HeredocFile {
  std::string name;    // the delimiter word
  std::string content; // the body; for COPY/ADD with `<<-`, leading tabs already stripped
  bool expand = true;  // false when the delimiter was quoted
  bool chomp = false;  // `<<-`
  int fd = -1;         // `3<<EOF`, -1 when absent
  SourceRange where;   // the `<<WORD` marker
  SourceRange body;    // the body lines
};

// The command of RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD.
struct CommandLine {
  std::vector<Word> args;          // exec form: one per element; shell form: one word, the raw text
  bool shell_form = false;         // true: prepend the current SHELL
  std::vector<HeredocFile> files;  // RUN heredocs, in order of appearance
};

// ---- RUN flags -------------------------------------------------------------

enum class MountType { bind, cache, tmpfs, secret, ssh };

// One `--mount=...` of RUN, with BuildKit's defaults applied (see
// dockerfile-language.md §2.1). Option values are expanded by analyze(),
// except `from`.
struct RunMount {
  MountType type = MountType::bind;
  std::string target;               // absolute after analyze() (relative joins WORKDIR); may be empty for ssh/secret(env)
  std::string source;               // bind/cache: path in the source; secret: unused (error); empty = root
  std::string from;                 // stage, index, image or named context; never expanded
  int from_stage = -1;              // after analyze(): the stage `from` names; -1 = image/context
  bool read_only = true;            // bind: true unless rw; cache: false unless ro; tmpfs: false; secret/ssh: true
  std::string id;                   // cache: defaults to target; secret: basename(target); ssh: "default"
  std::string sharing = "shared";   // cache only: "shared" | "private" | "locked"
  std::optional<unsigned> mode;     // octal, as given (cache/secret/ssh)
  std::optional<unsigned> uid;
  std::optional<unsigned> gid;
  bool required = false;            // secret/ssh
  std::string env;                  // secret: expose as this environment variable
  std::optional<long long> size;    // tmpfs: bytes
  std::string raw;                  // the flag value as written (after flag-level quote removal)
  SourceRange where;                // the `--mount=...` flag
};

// One `--device=name[,required]` of RUN (labs syntax only in BuildKit).
struct RunDevice {
  std::string name;
  bool required = false;
  SourceRange where;
};

// ---- The 18 instructions -----------------------------------------------------
// Each has `where` (the instruction, keyword to last line, heredoc bodies
// included) and `keyword_where` (the keyword as written).

struct FromCommand {
  Word base;                    // image reference, stage name or "scratch"
  StringFlag platform;          // --platform
  std::string stage_name;       // lower-cased AS name; empty when unnamed
  Word stage_name_word;         // the AS name as written (raw), empty when unnamed
  SourceRange as_where;         // the `AS` keyword as written; unknown when unnamed
  std::string as_keyword;       // "AS" / "as" / "As" as written
  std::string comment;          // doc comment ("# name description"), may be empty
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;          // "FROM" as written (for casing checks)
};

struct RunCommand {
  CommandLine command;
  std::vector<RunMount> mounts; // --mount, in order
  StringFlag network;           // --network=default|none|host
  StringFlag security;          // --security=sandbox|insecure
  std::vector<RunDevice> devices;
  std::vector<std::string> flags_used; // flag names in order, as BuildKit's FlagsUsed
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct CmdCommand {
  CommandLine command;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct EntrypointCommand {
  CommandLine command; // `ENTRYPOINT []` gives no args (BuildKit: null entrypoint)
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct LabelCommand {
  std::vector<KeyValue> labels;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct MaintainerCommand {
  Word maintainer; // raw rest of the line; never expanded
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct ExposeCommand {
  std::vector<Word> ports;                 // as written, one per word
  std::vector<std::string> expanded_ports; // after analyze(): expanded and split (one word may give several)
  std::vector<std::string> normalized_ports; // after analyze(): "80/tcp", ranges expanded, host parts dropped, unique
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct EnvCommand {
  std::vector<KeyValue> env;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

// Sources and destination of COPY / ADD.
struct CopySources {
  std::vector<Word> sources;               // paths, URLs, git refs (heredoc markers removed)
  std::vector<HeredocFile> inline_sources; // `<<EOF` sources, in order
  Word dest;
  bool json_form = false;
};

struct AddCommand {
  CopySources files;
  StringFlag chown;
  StringFlag chmod;
  BoolFlag link;
  BoolFlag keep_git_dir;
  StringFlag checksum;
  BoolFlag unpack;                  // present=false: BuildKit's default (local tars unpacked, URLs not)
  std::vector<Word> excludes;       // --exclude, repeatable; not expanded
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct CopyCommand {
  CopySources files;
  StringFlag from;                  // not expanded (BuildKit rejects variables here)
  int from_stage = -1;              // after analyze(): the stage --from names; -1 = context or image
  StringFlag chown;
  StringFlag chmod;
  BoolFlag link;
  BoolFlag parents;
  std::vector<Word> excludes;       // --exclude, repeatable; not expanded
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct VolumeCommand {
  std::vector<Word> volumes;
  bool json_form = false;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct UserCommand {
  Word user;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct WorkdirCommand {
  Word path;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct ArgCommand {
  std::vector<ArgDecl> args;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct StopsignalCommand {
  Word signal;
  int number = 0;   // after analyze(): the signal number (Linux), 0 when invalid
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct HealthcheckCommand {
  enum class Kind { none, cmd };
  Kind kind = Kind::cmd;
  Word type_word;                  // "CMD" / "NONE" as written
  CommandLine command;             // Kind::cmd only
  std::vector<std::string> test;   // {"NONE"} | {"CMD", argv...} | {"CMD-SHELL", "text"}
  std::optional<long long> interval_ns;       // nullopt: flag absent; 0: inherit
  std::optional<long long> timeout_ns;
  std::optional<long long> start_period_ns;
  std::optional<long long> start_interval_ns;
  std::optional<int> retries;
  StringFlag interval;             // the flags as written, for ranges
  StringFlag timeout;
  StringFlag start_period;
  StringFlag start_interval;
  StringFlag retries_flag;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct ShellCommand {
  std::vector<Word> shell;
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

struct OnbuildCommand;

// A typed instruction. (FROM appears only as Stage::from, never in
// Stage::commands.)
using Command = std::variant<FromCommand, RunCommand, CmdCommand, EntrypointCommand, LabelCommand,
                             MaintainerCommand, ExposeCommand, EnvCommand, AddCommand, CopyCommand,
                             VolumeCommand, UserCommand, WorkdirCommand, ArgCommand,
                             StopsignalCommand, HealthcheckCommand, ShellCommand, OnbuildCommand>;

struct OnbuildCommand {
  std::string expression;       // trigger text as BuildKit stores it in Config.OnBuild
  std::string trigger;          // the wrapped keyword, upper-case, e.g. "RUN"
  std::vector<Command> inner;   // the typed wrapped instruction (one element when valid)
  SourceRange where;
  SourceRange keyword_where;
  std::string keyword;
};

// ---- The analyzed build ----------------------------------------------------------

// An ARG name and its value in some scope; nullopt = declared without a value.
struct ArgValue {
  std::string name;
  std::optional<std::string> value;
};

using EnvList = std::vector<std::pair<std::string, std::string>>; // ordered KEY, VALUE

// One instruction of a stage with the state after it.
struct Step {
  Command command;       // expanded (see the top of this file)
  EnvList env;           // ENV in effect after this instruction (from this Dockerfile; base image ENV unknown)
  std::vector<ArgValue> args; // ARGs declared in the stage so far, with their values, after it
  std::string workdir = "/";  // WORKDIR in effect after it (relative to an image base's own workdir: "/" assumed)
  std::string user;           // USER in effect after it; empty = the base's (root for scratch)
  std::vector<std::string> shell = {"/bin/sh", "-c"}; // SHELL in effect after it
  bool onbuild_trigger = false; // an ONBUILD trigger of the base stage, run before the stage's own steps
};

enum class BaseKind { scratch, image, stage };

struct Stage {
  int index = 0;
  std::string name;            // lower-cased AS name; empty when unnamed
  FromCommand from;            // the FROM, base and --platform expanded with global ARGs
  std::string base_as_written; // from.base.raw
  std::string base_name;       // after expansion (from.base.value)
  BaseKind base_kind = BaseKind::image;
  int base_stage = -1;         // BaseKind::stage: index of that stage
  std::string platform;        // --platform after expansion; empty = the target platform
  std::vector<Step> steps;     // the instructions after FROM, in order
  std::vector<int> depends_on; // stages used as base, by COPY --from or mount from=, sorted, unique
  bool needed = false;         // reachable from the target
  EnvList env;                 // ENV in effect at the end of the stage
  std::vector<ArgValue> args;  // ARGs declared in the stage at its end
  std::string display_name;    // name, or "stage-N" when unnamed (BuildKit's stageName)
  std::string workdir = "/";   // at the end of the stage
  std::string user;
  std::vector<std::string> shell = {"/bin/sh", "-c"};
};

struct BuildOptions {
  std::vector<std::pair<std::string, std::string>> build_args; // --build-arg K=V, in order (later wins)
  std::string target;                          // --target; empty = last stage
  std::string target_platform = "linux/amd64"; // os/arch[/variant]
  std::string build_platform = "linux/amd64";
};

struct Build {
  std::vector<ArgCommand> global_arg_commands; // ARGs before the first FROM, expanded
  std::vector<ArgValue> global_args;           // their values (plus built-ins), after --build-arg
  std::vector<Stage> stages;
  int target = -1;                             // index of the stage to build; -1 when none/unknown
  char escape = '\\';
  BuildOptions options;                        // what analyze() was given
};

// Builds the typed command for one raw instruction. Findings (unknown
// instruction, bad flags, argument errors) go to `sink`; returns nullopt when
// the instruction is unusable.
std::optional<Command> build_command(const Instruction& instruction, char escape,
                                     support::DiagnosticSink& sink);

// The keyword of a command, lower-case ("run").
std::string_view command_name(const Command& command);

// The source range of a command.
const SourceRange& command_where(const Command& command);

} // namespace distill::frontend
