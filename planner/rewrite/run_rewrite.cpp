#include "planner/rewrite/run_rewrite.hpp"

#include "planner/rewrite/run_units.hpp"
#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"

#include <algorithm>
#include <set>

namespace distill::planner::rewrite {
namespace {

using detail::Unit;
using detail::UnitKind;

// Where an apt step goes inside one InstallPackages op (see ir.hpp).
int phase_of(const AptCommand& apt) {
  switch (apt.action) {
  case AptAction::save_manual: return 0;
  case AptAction::upgrade: return 1;
  case AptAction::install: return apt.auto_remove ? 6 : 2;
  case AptAction::mark: return apt.subcommand == "auto" ? 3 : 4;
  case AptAction::remove:
  case AptAction::purge: return apt.auto_remove ? 6 : 5;
  case AptAction::autoremove: return 6;
  default: return -1;
  }
}

bool needs_strict(const Unit& unit) {
  if (unit.kind == UnitKind::apt) {
    return unit.apt.action != AptAction::save_manual && unit.apt.action != AptAction::clean;
  }
  return !std::ranges::all_of(unit.ops, [](const Op& op) {
    const auto* remove = std::get_if<Remove>(&op);
    return remove && remove->cache_cleanup;
  });
}

std::string first_line(std::string text) {
  std::ranges::replace(text, '\n', ' ');
  std::ranges::replace(text, '\t', ' ');
  std::string squeezed;
  for (char c : text) {
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed.push_back(c);
  }
  if (squeezed.size() > 60) {
    squeezed = squeezed.substr(0, 57) + "...";
  }
  return squeezed;
}

// Does a unit after a cut use shell state that a unit before it left?
bool depends(const Unit& before, const Unit& after) {
  const detail::Effects& effects = before.effects;
  if (effects.global || effects.cwd || effects.environment) {
    return true;
  }
  for (const std::string& name : effects.variables) {
    if (after.reads.contains(name)) return true;
  }
  for (const std::string& name : effects.functions) {
    if (after.calls.contains(name)) return true;
  }
  return false;
}

struct Piece {
  bool run = false;
  std::size_t first = 0, last = 0; // unit indices (run: after trimming)
};

struct Rewriter {
  const shell::Script& script;
  const RunScriptContext& context;
  std::vector<Unit>& units;

  bool or_after(const Unit& unit) const {
    const shell::AndOr& item = *unit.and_or;
    return unit.last < item.ops.size() && item.ops[unit.last] == shell::AndOrOp::or_if;
  }
  bool or_before(const Unit& unit) const {
    const shell::AndOr& item = *unit.and_or;
    return unit.first > 0 && item.ops[unit.first - 1] == shell::AndOrOp::or_if;
  }
  static bool droppable(const Unit& unit) { return unit.kind == UnitKind::noop || unit.kind == UnitKind::state; }

  // True when shell runs after unit `index` (so its replay runs too).
  bool replayed_after(long index) const {
    for (std::size_t j = static_cast<std::size_t>(index) + 1; j < units.size(); ++j) {
      if (!units[j].lifted && units[j].kind == UnitKind::other) return true;
    }
    return false;
  }

  bool all_droppable(long from, long to) const {
    for (long i = from; i <= to; ++i) {
      if (!droppable(units[i])) return false;
    }
    return true;
  }

  std::vector<Piece> pieces() const {
    std::vector<Piece> result;
    const long count = static_cast<long>(units.size());
    long i = 0;
    while (i < count) {
      if (units[i].lifted) {
        result.push_back({false, static_cast<std::size_t>(i), static_cast<std::size_t>(i)});
        ++i;
        continue;
      }
      long first = i;
      long last = i;
      while (last + 1 < count && !units[last + 1].lifted) ++last;
      i = last + 1;
      // Trim what changes nothing from both ends; a `||` list goes only as a whole;
      // a guard (`exit 1` for an unknown architecture) goes only where a later piece replays it.
      while (first <= last && droppable(units[first]) && (!units[first].guard || replayed_after(first))) {
        if (!or_after(units[first])) {
          ++first;
          continue;
        }
        long end = first;
        while (end + 1 < count && units[end + 1].item == units[first].item) ++end;
        if (end <= last && all_droppable(first, end)) {
          first = end + 1;
          continue;
        }
        break;
      }
      while (last >= first && droppable(units[last]) && (!units[last].guard || replayed_after(last))) {
        if (!or_before(units[last])) {
          --last;
          continue;
        }
        long start = last;
        while (start > 0 && units[start - 1].item == units[last].item) --start;
        if (start >= first && all_droppable(start, last)) {
          last = start - 1;
          continue;
        }
        break;
      }
      if (first <= last) {
        result.push_back({true, static_cast<std::size_t>(first), static_cast<std::size_t>(last)});
      }
    }
    return result;
  }

  void cancel(Unit& unit, std::string cause, std::string reason) {
    unit.lifted = false;
    unit.kind = UnitKind::other;
    if (unit.refusal.empty()) {
      unit.cause = std::move(cause);
      unit.refusal = std::move(reason);
    }
  }

  // Cleaning apt's caches after shell that fills them stays in that shell:
  // as an op of its own it would only hide what the shell's layer holds.
  bool keep_cleanup() {
    for (std::size_t i = 0; i < units.size(); ++i) {
      const bool cleans = units[i].kind == UnitKind::apt ? units[i].apt.action == AptAction::clean
                                                         : std::ranges::any_of(units[i].ops, [](const Op& op) {
                                                             const auto* remove = std::get_if<Remove>(&op);
                                                             return remove && remove->cache_cleanup;
                                                           });
      if (!units[i].lifted || !cleans) continue;
      for (std::size_t j = 0; j < i; ++j) {
        const Unit& before = units[j];
        if (!before.lifted && before.kind == UnitKind::other &&
            (before.fetches_lists || before.needs_lists || before.touches_apt || before.is_update)) {
          units[i].lifted = false;
          units[i].kind = UnitKind::other;
          return true;
        }
      }
    }
    return false;
  }

  // A file op or cache cleanup between two shell pieces stays in the shell: lifting
  // it would only cut one Run into two and gain nothing (the shell runs anyway).
  bool keep_together() {
    const std::vector<Piece> all = pieces();
    for (std::size_t p = 0; p < all.size(); ++p) {
      const Unit& candidate = units[all[p].first];
      if (all[p].run || (candidate.kind == UnitKind::apt && candidate.apt.action != AptAction::clean)) {
        continue;
      }
      std::size_t before = p, after = p;
      bool install_between = false;
      while (before > 0 && !all[before - 1].run) {
        --before;
        const Unit& unit = units[all[before].first];
        install_between = install_between || (unit.kind == UnitKind::apt && unit.apt.action != AptAction::clean);
      }
      while (after + 1 < all.size() && !all[after + 1].run) {
        ++after;
        const Unit& unit = units[all[after].first];
        install_between = install_between || (unit.kind == UnitKind::apt && unit.apt.action != AptAction::clean);
      }
      if (!install_between && before > 0 && after + 1 < all.size()) {
        Unit& unit = units[all[p].first];
        unit.lifted = false;
        unit.kind = UnitKind::other;
        return true;
      }
    }
    return false;
  }

  // The shell text of units [first, last]: as written within a region; where a
  // taken branch starts or ends, the `if ...; then` / `fi` around it is left out
  // and the lists are joined by a newline (each region holds whole and-or lists).
  std::string piece_text(std::size_t first, std::size_t last) const {
    std::string out = script.text.substr(units[first].begin, units[first].end - units[first].begin);
    for (std::size_t i = first + 1; i <= last; ++i) {
      const Unit& before = units[i - 1];
      if (units[i].region == before.region) {
        out += script.text.substr(before.end, units[i].begin - before.end);
      } else {
        out += before.and_or->background && before.last + 1 == before.and_or->pipelines.size() ? " &\n" : "\n";
      }
      out += script.text.substr(units[i].begin, units[i].end - units[i].begin);
    }
    return out;
  }

  std::string text_of(const Unit& unit) const { return first_line(script.text.substr(unit.begin, unit.end - unit.begin)); }

  // One pass of the cut and state rules; true when something was cancelled.
  bool check_cuts() {
    const std::vector<Piece> all = pieces();
    for (std::size_t p = 0; p < all.size(); ++p) {
      if (all[p].run) continue;
      Unit& lifted = units[all[p].first];
      if (p > 0 && all[p - 1].run) {
        const Unit& before = units[all[p - 1].last];
        // A cut inside one chain of && (see run_rewrite.hpp) keeps every successful run as it was.
        if (!before.strict && !(before.chained && before.item == lifted.item)) {
          cancel(lifted, "no-errexit",
                 "cannot cut after `" + text_of(before) + "`: without set -e its failure would not stop the step");
          return true;
        }
      }
    }
    for (std::size_t k = 0; k < units.size(); ++k) {
      if (!units[k].lifted) continue;
      for (std::size_t i = 0; i < k; ++i) {
        if (units[i].lifted || units[i].kind != UnitKind::other) continue;
        for (std::size_t j = k + 1; j < units.size(); ++j) {
          if (units[j].lifted || units[j].kind != UnitKind::other) continue;
          if (depends(units[i], units[j])) {
            cancel(units[k], "shell-state",
                   "`" + text_of(units[k]) + "` sits between `" + text_of(units[i]) + "` and `" + text_of(units[j]) +
                       "`, which share shell state");
            return true;
          }
        }
      }
    }
    // A recorded set must stay recorded for the steps that restore it.
    for (const Unit& unit : units) {
      if (unit.kind != UnitKind::other || unit.apt.action != AptAction::save_manual) continue;
      for (Unit& other : units) {
        if (other.lifted && other.apt.restore_manual == unit.apt.save_manual) {
          cancel(other, "shell-state", "the recorded " + unit.apt.save_manual + " stays in shell");
          return true;
        }
      }
    }
    return false;
  }
};

std::string best_reason(const std::vector<Unit>& units, std::string& cause) {
  const auto pick = [&](auto predicate) -> const Unit* {
    for (const Unit& unit : units) {
      if (!unit.lifted && unit.kind == UnitKind::other && predicate(unit)) return &unit;
    }
    return nullptr;
  };
  // Why apt stayed shell matters most; then the first command with no declarative form;
  // then an idiom that could not be read.
  const Unit* chosen = pick([](const Unit& u) { return u.install_commands > 0 && !u.refusal.empty(); });
  if (!chosen) chosen = pick([](const Unit& u) { return u.touches_apt && !u.refusal.empty(); });
  if (!chosen) {
    if (const Unit* plain = pick([](const Unit& u) { return u.refusal.empty(); })) {
      cause = "other-command";
      return "`" + plain->label + "` has no declarative form";
    }
  }
  if (!chosen) chosen = pick([](const Unit& u) { return !u.refusal.empty(); });
  if (chosen) {
    cause = chosen->cause;
    return chosen->refusal;
  }
  return {};
}

} // namespace

std::string shell_quote(const std::string& text) {
  const bool safe = !text.empty() && std::ranges::all_of(text, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("@%+=:,./-_").find(c) != std::string_view::npos;
  });
  if (safe) {
    return text;
  }
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += "'\\''";
    else quoted.push_back(c);
  }
  return quoted + "'";
}

RunRewrite rewrite_run_script(const std::string& text, const RunScriptContext& context) {
  RunRewrite result;
  const shell::Script script = shell::read_script(text);
  bool has_heredoc = false;
  for (const shell::FlatCommand& flat : shell::flatten(script)) {
    if (mentions_apt_install(*flat.command)) result.install_commands += 1;
    for (const shell::Redirect& redirect : flat.command->redirects) has_heredoc = has_heredoc || redirect.heredoc.has_value();
  }
  const auto keep_whole = [&](std::string cause, std::string reason) {
    Run run;
    run.shell_form = true;
    run.script = text;
    run.reason = reason;
    result.ops.clear();
    result.ops.push_back({std::move(run), {{0, text.size()}}});
    result.outcome = RewriteNote::Outcome::kept;
    result.cause = std::move(cause);
    result.reason = std::move(reason);
    result.installs_rewritten = 0;
  };
  if (script.error) {
    keep_whole("unreadable-shell", "the shell text could not be read: " + script.error->message);
    return result;
  }
  std::vector<Unit> units = detail::read_units(script, context);
  for (const Unit& unit : units) {
    result.findings.insert(result.findings.end(), unit.findings.begin(), unit.findings.end());
  }

  // First choice: lift every declarative unit whose failure would fail the step.
  std::string taint = context.sources_changed;
  for (Unit& unit : units) {
    if (unit.kind == UnitKind::apt || unit.kind == UnitKind::file_op) {
      const bool installs = unit.kind == UnitKind::apt &&
                            (unit.apt.action == AptAction::install || unit.apt.action == AptAction::upgrade);
      if (installs && !taint.empty()) {
        unit.kind = UnitKind::other;
        unit.cause = "apt-sources-changed";
        unit.refusal = "installs after apt's sources were changed (" + taint + ")";
      } else if (unit.in_or_chain) {
        unit.kind = UnitKind::other;
        unit.cause = "tolerated-failure";
        unit.refusal = "`" + first_line(text.substr(unit.begin, unit.end - unit.begin)) + "` is part of a `||` list";
      } else if (needs_strict(unit) && !unit.strict && !unit.chained) {
        unit.kind = UnitKind::other;
        unit.cause = "no-errexit";
        unit.refusal = "without set -e a failure of `" + first_line(text.substr(unit.begin, unit.end - unit.begin)) +
                       "` would not stop the step";
      } else {
        unit.lifted = true;
      }
    }
    if (!unit.sources_change.empty()) {
      taint = unit.sources_change;
      result.sources_changed = unit.sources_change;
    }
  }
  // Shell that reads apt's lists gets the apt-get update nearest before it: in place,
  // or, when declarative steps sit between them, run again at the start of its piece.
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (units[i].lifted || !units[i].needs_lists || units[i].kind != UnitKind::other || units[i].fetches_lists) continue;
    for (std::size_t j = i; j-- > 0;) {
      if (units[j].is_update || (units[j].kind == UnitKind::other && units[j].fetches_lists)) {
        const bool lifted_between =
            std::any_of(units.begin() + static_cast<long>(j) + 1, units.begin() + static_cast<long>(i),
                        [](const Unit& u) { return u.lifted; });
        if (units[j].is_update && lifted_between) {
          units[i].fetch_from = static_cast<long>(j);
        } else {
          units[j].kind = UnitKind::other;
        }
        break;
      }
    }
  }
  Rewriter rewriter{script, context, units};
  while (rewriter.check_cuts() || rewriter.keep_cleanup() || rewriter.keep_together()) {
  }
  const bool any_lifted = std::ranges::any_of(units, [](const Unit& u) { return u.lifted; });
  if (any_lifted && has_heredoc &&
      std::ranges::any_of(units, [](const Unit& u) { return !u.lifted && u.kind == UnitKind::other; })) {
    for (Unit& unit : units) {
      if (unit.lifted) rewriter.cancel(unit, "heredoc-in-script", "the script has a here-document; it is kept whole");
    }
  }
  const bool lifted_now = std::ranges::any_of(units, [](const Unit& u) { return u.lifted; });
  const bool only_noops = !units.empty() && std::ranges::all_of(units, [](const Unit& u) { return Rewriter::droppable(u); }) &&
                          std::ranges::any_of(units, [](const Unit& u) { return u.is_update && u.kind == UnitKind::noop; });
  std::string cause;
  std::string reason = best_reason(units, cause);

  // Lists: what the script leaves, and whether its shell needs lists it did not fetch.
  bool fetched = false;
  for (const Unit& unit : units) {
    const bool kept = !unit.lifted && unit.kind == UnitKind::other;
    if (kept && unit.fetch_from >= 0) {
      fetched = true;
      result.lists_after = 2;
    }
    if (kept && unit.needs_lists && !fetched) result.needs_lists = true;
    if (unit.is_update) {
      result.lists_after = unit.kind == UnitKind::noop ? 1 : 2;
      fetched = fetched || unit.kind != UnitKind::noop;
    } else if (kept && unit.fetches_lists) {
      result.lists_after = 2;
      fetched = true;
    }
    if (unit.cleans_lists) result.lists_after = 3;
  }

  if (!lifted_now && !only_noops) {
    if (reason.empty()) {
      for (const Unit& unit : units) {
        if (unit.kind == UnitKind::other) {
          const auto& item = *unit.and_or;
          const auto& command = item.pipelines[unit.first].commands.front();
          std::string name = command.kind == shell::Command::Kind::simple && !command.simple.words.empty()
                                 ? (command.simple.words[0].literal() ? command.simple.words[0].value() : command.simple.words[0].text)
                                 : first_line(text.substr(unit.begin, unit.end - unit.begin));
          reason = "`" + name + "` has no declarative form";
          cause = "other-command";
          break;
        }
      }
    }
    const int installs = result.install_commands;
    const std::string sources = result.sources_changed;
    const bool needs = result.needs_lists;
    const int lists = result.lists_after;
    keep_whole(cause.empty() ? "other-command" : cause, reason.empty() ? "nothing to rewrite" : reason);
    result.install_commands = installs;
    result.sources_changed = sources;
    result.needs_lists = needs;
    result.lists_after = lists == 1 ? 2 : lists;
    return result;
  }

  // Emit ops in order.
  std::vector<std::string> recorded;
  int open_install = -1;
  int open_phase = -1;
  for (const Piece& piece : rewriter.pieces()) {
    if (piece.run) {
      const Unit& first = units[piece.first];
      const Unit& last = units[piece.last];
      Run run;
      run.shell_form = true;
      std::set<std::string> reads;
      for (std::size_t i = piece.first; i <= piece.last; ++i) {
        reads.insert(units[i].reads.begin(), units[i].reads.end());
        reads.insert(units[i].calls.begin(), units[i].calls.end());
      }
      std::string fetch;
      for (std::size_t i = piece.first; i <= piece.last && fetch.empty(); ++i) {
        const long from = units[i].fetch_from;
        if (from >= 0 && (static_cast<std::size_t>(from) < piece.first || static_cast<std::size_t>(from) > piece.last)) {
          fetch = text.substr(units[from].begin, units[from].end - units[from].begin) + "\n";
        }
      }
      run.script = first.replay.render(reads) + fetch + rewriter.piece_text(piece.first, piece.last);
      for (std::size_t i = piece.first; i <= piece.last; ++i) {
        for (const std::string& name : recorded) {
          if (units[i].reads.contains(name) &&
              std::ranges::find(run.saved_manual, name) == run.saved_manual.end()) {
            run.saved_manual.push_back(name);
          }
        }
      }
      run.reason = reason;
      result.ops.push_back({std::move(run), {{first.begin, last.end}}});
      open_install = -1;
      continue;
    }
    const Unit& unit = units[piece.first];
    const std::pair<std::size_t, std::size_t> span{unit.begin, unit.end};
    if (unit.kind == UnitKind::file_op || (unit.kind == UnitKind::apt && unit.apt.action == AptAction::clean)) {
      std::vector<Op> ops = unit.ops;
      if (unit.kind == UnitKind::apt) {
        for (const std::string& path : unit.apt.cleaned_paths) {
          Remove remove;
          remove.path = path;
          remove.recursive = true;
          remove.force = true;
          remove.cache_cleanup = true;
          ops.push_back(std::move(remove));
        }
      }
      const bool only_cleanup = std::ranges::all_of(ops, [](const Op& op) {
        const auto* remove = std::get_if<Remove>(&op);
        return remove && remove->cache_cleanup;
      });
      for (Op& op : ops) {
        result.ops.push_back({std::move(op), {span}});
      }
      if (!only_cleanup) open_install = -1;
      continue;
    }
    const AptCommand& apt = unit.apt;
    const int phase = phase_of(apt);
    InstallPackages* open = open_install >= 0 ? std::get_if<InstallPackages>(&result.ops[open_install].op) : nullptr;
    const bool recommends = apt.recommends.value_or(true);
    const bool fits = open && phase >= open_phase &&
                      !(apt.action == AptAction::install &&
                        ((!open->packages.empty() && open->recommends != recommends) ||
                         (!open->default_release.empty() && open->default_release != apt.default_release))) &&
                      !(phase == 0 && !open->save_manual.empty());
    if (!fits) {
      result.ops.push_back({InstallPackages{}, {}});
      open_install = static_cast<int>(result.ops.size()) - 1;
      open = std::get_if<InstallPackages>(&result.ops.back().op);
    }
    open_phase = phase;
    result.ops[open_install].spans.push_back(span);
    switch (apt.action) {
    case AptAction::save_manual:
      open->save_manual = apt.save_manual;
      recorded.push_back(apt.save_manual);
      break;
    case AptAction::upgrade: open->upgrade = apt.upgrade; break;
    case AptAction::install:
      if (open->packages.empty()) open->recommends = recommends;
      open->packages.insert(open->packages.end(), apt.packages.begin(), apt.packages.end());
      if (!apt.default_release.empty()) open->default_release = apt.default_release;
      open->auto_remove = open->auto_remove || apt.auto_remove;
      result.installs_rewritten += 1;
      break;
    case AptAction::mark:
      if (apt.subcommand == "auto") {
        open->mark_auto.insert(open->mark_auto.end(), apt.names.begin(), apt.names.end());
      } else {
        open->mark_manual.insert(open->mark_manual.end(), apt.names.begin(), apt.names.end());
        if (!apt.restore_manual.empty()) open->restore_manual = apt.restore_manual;
      }
      break;
    case AptAction::remove:
    case AptAction::purge: {
      auto& list = apt.action == AptAction::purge ? open->purge : open->remove;
      list.insert(list.end(), apt.names.begin(), apt.names.end());
      open->auto_remove = open->auto_remove || apt.auto_remove;
      if (!apt.autoremove_keeps_recommends) open->autoremove_keeps_recommends = false;
      break;
    }
    case AptAction::autoremove:
      open->auto_remove = true;
      if (!apt.autoremove_keeps_recommends) open->autoremove_keeps_recommends = false;
      break;
    default: break;
    }
  }
  // `apt-get install $EMPTY` installs nothing: no op.
  std::erase_if(result.ops, [](const PlacedOp& placed) {
    const auto* op = std::get_if<InstallPackages>(&placed.op);
    return op && op->packages.empty() && op->purge.empty() && op->remove.empty() && op->mark_auto.empty() &&
           op->mark_manual.empty() && op->restore_manual.empty() && op->save_manual.empty() && op->upgrade.empty() &&
           !op->auto_remove;
  });
  if (cause.empty() && result.installs_rewritten < result.install_commands) {
    // Every unit was accounted for: the other installs sit in branches that do not run here.
    cause = "branch-not-run";
    reason = "apt-get install in an if/case branch that does not run on " + context.platform;
  }
  const bool any_run = std::ranges::any_of(result.ops, [](const PlacedOp& op) { return std::holds_alternative<Run>(op.op); });
  result.outcome = any_run ? RewriteNote::Outcome::partial : RewriteNote::Outcome::full;
  if (!any_run && !cause.empty()) {
    result.cause = cause;
    result.reason = reason;
  }
  if (any_run) {
    if (reason.empty()) {
      for (const PlacedOp& op : result.ops) {
        if (const auto* run = std::get_if<Run>(&op.op)) {
          reason = "`" + first_line(run->script) + "` has no declarative form";
          cause = "other-command";
          break;
        }
      }
    }
    result.reason = reason;
    result.cause = cause.empty() ? "other-command" : cause;
    for (PlacedOp& op : result.ops) {
      if (auto* run = std::get_if<Run>(&op.op)) run->reason = result.reason;
    }
  }
  return result;
}

RunRewrite rewrite_run_argv(const std::vector<std::string>& argv, const RunScriptContext& context) {
  std::string text;
  for (const std::string& arg : argv) {
    text += (text.empty() ? "" : " ") + shell_quote(arg);
  }
  RunRewrite result = rewrite_run_script(text, context);
  if (result.outcome != RewriteNote::Outcome::full) {
    Run run;
    run.argv = argv;
    run.reason = result.reason.empty() ? "nothing to rewrite" : result.reason;
    const int installs = result.install_commands;
    result.ops.clear();
    result.ops.push_back({std::move(run), {{0, text.size()}}});
    result.outcome = RewriteNote::Outcome::kept;
    result.installs_rewritten = 0;
    result.install_commands = installs;
  }
  return result;
}

} // namespace distill::planner::rewrite
