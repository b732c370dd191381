#include "runner/run_report.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include "runner/settings.h"

namespace pgshift::runner {
namespace {

// Milliseconds since the epoch for the journal's "2026-11-29T04:40:01.123Z"; -1 when unreadable.
long long ParseAt(const std::string& at) {
  std::tm utc{};
  int ms = 0;
  if (std::sscanf(at.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &ms) < 6)
    return -1;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<long long>(timegm(&utc)) * 1000 + ms;
}

std::string Str(const nlohmann::json& value, const char* key) {
  const auto it = value.find(key);
  return it != value.end() && it->is_string() ? it->get<std::string>() : "";
}

long long Int(const nlohmann::json& value, const char* key) {
  const auto it = value.find(key);
  return it != value.end() && it->is_number() ? it->get<long long>() : -1;
}

std::string Fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

struct Event {
  long long at = 0;  // ms since the run started
  std::string kind, stage, message, clock;
  long long duration_ms = -1;
  nlohmann::json detail;
};

struct Bar {
  std::string label, css;  // css: the bar's class (done, failed, interrupted, running, soak)
  long long from = 0, to = 0;
  std::string title;
};

struct Mark {
  long long at = 0;
  std::string css, title;
};

struct Row {
  std::string name;
  bool is_target = true;
  std::vector<Event> events;
  std::vector<Bar> bars;
  std::vector<Mark> marks;
  int stages_done = 0, lock_retries = 0, batches = 0;
  long long throttled_ms = 0;
  std::string outcome;  // from its last run-finished / run-failed / skip event
};

// A row's label: long names (URLs) differ at their end, so that is kept, cut at a whole UTF-8
// character.
std::string ShortName(const std::string& name) {
  if (name.size() <= 34) return name;
  std::size_t from = name.size() - 33;
  while (from < name.size() && (static_cast<unsigned char>(name[from]) & 0xC0) == 0x80) ++from;
  return "\xE2\x80\xA6" + name.substr(from);
}

// The message without the "[target] " a fleet puts before it for the console.
std::string Unprefixed(const std::string& message, const std::string& target) {
  const std::string prefix = "[" + target + "] ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

void BuildRow(Row& row, long long end) {
  std::map<std::string, std::size_t> open;  // stage -> index of its bar still open
  long long soak_from = -1;
  long long last_throttled = 0;
  for (const Event& e : row.events) {
    const std::string title = e.clock + " " + e.kind + (e.stage.empty() ? "" : " " + e.stage) +
                              (e.message.empty() ? "" : ": " + e.message);
    if (e.kind == "stage-started" || e.kind == "backfill-started") {
      if (open.count(e.stage) == 0) {
        open[e.stage] = row.bars.size();
        row.bars.push_back({e.stage, "running", e.at, e.at, title});
      }
    } else if (e.kind == "stage-done" || e.kind == "stage-failed" ||
               e.kind == "stage-interrupted" || e.kind == "stage-rolled-back") {
      const std::string css = e.kind == "stage-done"          ? "done"
                              : e.kind == "stage-failed"      ? "failed"
                              : e.kind == "stage-rolled-back" ? "rolledback"
                                                              : "interrupted";
      row.stages_done += e.kind == "stage-done";
      auto it = open.find(e.stage);
      if (it != open.end()) {
        Bar& bar = row.bars[it->second];
        bar.to = e.at;
        bar.css = css;
        bar.title += "\n" + title;
        open.erase(it);
      } else {
        const long long from = e.duration_ms >= 0 ? std::max(0LL, e.at - e.duration_ms) : e.at;
        row.bars.push_back({e.stage, css, from, e.at, title});
      }
    } else if (e.kind == "soak-started") {
      soak_from = e.at;
    } else if ((e.kind == "gate-passed" || e.kind == "gate-failed") && soak_from >= 0) {
      row.bars.push_back(
          {"soak", e.kind == "gate-passed" ? "soak" : "failed", soak_from, e.at, title});
      soak_from = -1;
    } else if (e.kind == "batch") {
      ++row.batches;
      const long long throttled = Int(e.detail, "throttled_ms");
      const bool throttled_now = throttled > last_throttled;
      if (throttled > 0) last_throttled = throttled;
      row.marks.push_back(
          {e.at, throttled_now ? "throttle" : "batch",
           title + (throttled_now ? " (throttled, " + FormatDuration(Millis(throttled)) + " in all)"
                                  : "")});
    } else if (e.kind == "lock-retry") {
      ++row.lock_retries;
      row.marks.push_back({e.at, "lock", title});
    } else if (e.kind == "gate-passed" || e.kind == "gate-failed") {
      row.marks.push_back({e.at, e.kind == "gate-passed" ? "gate" : "gatefail", title});
    } else if (e.kind == "wave-started") {
      row.marks.push_back({e.at, "wave", title});
    } else if (e.kind == "run-failed" || e.kind == "target-unreachable" ||
               e.kind == "target-skipped" || e.kind == "preflight-failed" ||
               e.kind == "rollback-failed") {
      row.marks.push_back({e.at, "gatefail", title});
    }
    if (e.kind == "run-finished") row.outcome = "ok";
    if (e.kind == "run-failed" || e.kind == "rollback-failed") row.outcome = "failed";
    if (e.kind == "run-interrupted" || e.kind == "stage-interrupted") row.outcome = "interrupted";
    if (e.kind == "target-unreachable") row.outcome = "unreachable";
    if (e.kind == "target-skipped") row.outcome = "skipped";
    if (e.kind == "rollback-finished") row.outcome = "rolled back";
    if (e.kind == "batch") last_throttled = std::max(last_throttled, Int(e.detail, "throttled_ms"));
    if (e.kind == "batch") row.throttled_ms = std::max(row.throttled_ms, last_throttled);
  }
  for (const auto& [stage, index] : open) row.bars[index].to = end;  // never finished
  if (soak_from >= 0) row.bars.push_back({"soak", "running", soak_from, end, "soak not finished"});
}

constexpr const char* kStyle = R"CSS(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#57606a}.meta b{color:#1b1f24}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right}
.ok{color:#1a7f37}.failed,.unreachable{color:#cf222e}.interrupted,.skipped{color:#9a6700}
#timeline svg{display:block;border:1px solid #d0d7de;background:#fff}
.axis line{stroke:#eaeef2}.axis text,.rowname{font-size:11px;fill:#57606a}
.rowname{fill:#1b1f24}
rect.done{fill:#2da44e}rect.failed{fill:#cf222e}rect.interrupted{fill:#bf8700}rect.running{fill:#8c959f}
rect.rolledback{fill:#8250df}rect.soak{fill:#54aeff;opacity:.6}
.bar text{font-size:10px;fill:#fff;pointer-events:none}
.mark.batch{stroke:#0969da}.mark.throttle{stroke:#fb8500;stroke-width:3}
.mark.lock{fill:#cf222e}.mark.gate{fill:#1a7f37}.mark.gatefail{fill:#cf222e}.mark.wave{stroke:#6e7781;stroke-dasharray:3 2}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
details{margin:4px 0}summary{cursor:pointer}
td.msg{white-space:pre-wrap;word-break:break-word;max-width:900px}
)CSS";

// Only reads the page it is in: marks it rendered, and how many target rows it drew.
constexpr const char* kScript = R"JS(
(function () {
  var rows = document.querySelectorAll('#timeline .target-row');
  var check = document.getElementById('report-check');
  check.setAttribute('data-rows', String(rows.length));
  check.textContent = rows.length + (rows.length === 1 ? ' target' : ' targets') + ' drawn';
  document.body.setAttribute('data-rendered', 'yes');
})();
)JS";

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderRunReport(const JournalRun& run) {
  const bool fleet = run.target.rfind("fleet ", 0) == 0;
  const long long start = ParseAt(run.started_at);
  long long end = run.finished_at.empty() ? -1 : ParseAt(run.finished_at) - start;

  std::vector<Row> rows;
  std::map<std::string, std::size_t> by_name;
  if (fleet) rows.push_back({"fleet: waves, gates, soaks", false});
  auto row_of = [&](const std::string& name) -> Row& {
    auto it = by_name.find(name);
    if (it != by_name.end()) return rows[it->second];
    by_name[name] = rows.size();
    rows.push_back({name, true});
    return rows.back();
  };
  if (!fleet) row_of(run.target);
  for (const nlohmann::json& event : run.events) {
    Event e;
    const std::string at = Str(event, "at");
    e.at = std::max(0LL, ParseAt(at) - start);
    e.clock = at.size() >= 23 ? at.substr(11, 12) : at;
    e.kind = Str(event, "kind");
    e.stage = Str(event, "stage");
    e.duration_ms = Int(event, "duration_ms");
    e.detail = event.contains("detail") ? event["detail"] : nlohmann::json::object();
    const std::string target = e.detail.is_object() ? Str(e.detail, "target") : "";
    e.message = Unprefixed(Str(event, "message"), target);
    end = std::max(end, e.at);
    if (!target.empty())
      row_of(target).events.push_back(std::move(e));
    else if (fleet)
      rows.front().events.push_back(std::move(e));
    else
      row_of(run.target).events.push_back(std::move(e));
  }
  if (end <= 0) end = 1;
  for (Row& row : rows) BuildRow(row, end);
  if (!fleet && !rows.empty() && rows.front().outcome.empty()) rows.front().outcome = run.outcome;

  std::ostringstream html;
  const std::string title = "pgshift " + run.command + " " + run.plan_id + " on " + run.target;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       << "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
       << "<title>" << HtmlEscape(title) << "</title><style>" << kStyle << "</style></head>\n"
       << "<body data-rendered=\"no\">\n<h1>" << HtmlEscape(title) << "</h1>\n"
       << "<p class=\"meta\">run <b>#" << run.id << "</b> &middot; started <b>"
       << HtmlEscape(run.started_at) << "</b> &middot; finished <b>"
       << HtmlEscape(run.finished_at.empty() ? "(no end recorded)" : run.finished_at)
       << "</b> &middot; took <b>"
       << HtmlEscape(run.duration_ms >= 0 ? FormatDuration(Millis(run.duration_ms)) : "?")
       << "</b> &middot; outcome <b class=\"" << HtmlEscape(run.outcome) << "\">"
       << HtmlEscape(run.outcome) << "</b> &middot; runner <b>" << HtmlEscape(run.runner)
       << "</b></p>\n";
  if (!run.message.empty()) html << "<p>" << HtmlEscape(run.message) << "</p>\n";

  // Summary: one line per target.
  html << "<h2>Targets</h2>\n<table id=\"summary\"><tr><th>target</th><th>outcome</th>"
          "<th>stages done</th><th>time</th><th>lock retries</th><th>backfill batches</th>"
          "<th>throttled</th></tr>\n";
  for (const Row& row : rows) {
    if (!row.is_target) continue;
    long long first = -1, last = -1;
    for (const Event& e : row.events) {
      if (first < 0) first = e.at;
      last = e.at;
    }
    html << "<tr class=\"target\"><td>" << HtmlEscape(row.name) << "</td><td class=\""
         << HtmlEscape(row.outcome) << "\">" << HtmlEscape(row.outcome.empty() ? "-" : row.outcome)
         << "</td><td class=\"num\">" << row.stages_done << "</td><td class=\"num\">"
         << (first >= 0 ? HtmlEscape(FormatDuration(Millis(last - first))) : "-")
         << "</td><td class=\"num\">" << row.lock_retries << "</td><td class=\"num\">"
         << row.batches << "</td><td class=\"num\">"
         << HtmlEscape(FormatDuration(Millis(row.throttled_ms))) << "</td></tr>\n";
  }
  html << "</table>\n";

  // The timeline: one SVG, a row per target (and the fleet's row on top).
  const int label_width = 220, plot_width = 900, row_height = 26, top = 24;
  const int height = top + static_cast<int>(rows.size()) * row_height + 8;
  const double scale = static_cast<double>(plot_width) / static_cast<double>(end);
  auto x = [&](long long at) { return Fixed(label_width + at * scale); };
  html << "<h2>Timeline</h2>\n<p class=\"legend\"><span><i style=\"background:#2da44e\"></i>stage "
          "done</span><span><i style=\"background:#cf222e\"></i>failed</span><span><i "
          "style=\"background:#bf8700\"></i>interrupted</span><span><i "
          "style=\"background:#8c959f\"></i>running</span><span><i "
          "style=\"background:#54aeff\"></i>soak</span><span><i "
          "style=\"background:#0969da;width:2px\"></i>batch</span><span><i "
          "style=\"background:#fb8500;width:3px\"></i>throttled batch</span><span><i "
          "style=\"background:#cf222e;border-radius:6px;width:10px\"></i>lock retry / "
          "failure</span><span><i "
          "style=\"background:#1a7f37;border-radius:6px;width:10px\"></i>gate "
          "passed</span> (hover for details)</p>\n";
  html << "<div id=\"timeline\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
       << label_width + plot_width + 20 << "\" height=\"" << height << "\" viewBox=\"0 0 "
       << label_width + plot_width + 20 << " " << height << "\">\n<g class=\"axis\">";
  for (int i = 0; i <= 10; ++i) {
    const long long at = end * i / 10;
    html << "<line x1=\"" << x(at) << "\" y1=\"" << top - 6 << "\" x2=\"" << x(at) << "\" y2=\""
         << height - 4 << "\"/><text x=\"" << x(at) << "\" y=\"" << top - 10
         << "\" text-anchor=\"middle\">" << HtmlEscape(FormatDuration(Millis(at))) << "</text>";
  }
  html << "</g>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    const int y = top + static_cast<int>(r) * row_height;
    html << "<g class=\"" << (row.is_target ? "target-row" : "fleet-row") << "\" data-target=\""
         << HtmlEscape(row.name) << "\"><text class=\"rowname\" x=\"4\" y=\"" << y + 16 << "\">"
         << "<title>" << HtmlEscape(row.name) << "</title>" << HtmlEscape(ShortName(row.name))
         << "</text>";
    for (const Bar& bar : row.bars) {
      const double width = std::max(2.0, (bar.to - bar.from) * scale);
      html << "<g class=\"bar\"><rect class=\"" << bar.css << "\" x=\"" << x(bar.from) << "\" y=\""
           << y + 4 << "\" width=\"" << Fixed(width) << "\" height=\"" << row_height - 8
           << "\" rx=\"2\"><title>" << HtmlEscape(bar.title) << "</title></rect>";
      if (width > 40)
        html << "<text x=\"" << Fixed(label_width + bar.from * scale + 3) << "\" y=\"" << y + 17
             << "\">" << HtmlEscape(bar.label) << "</text>";
      html << "</g>";
    }
    for (const Mark& mark : row.marks) {
      if (mark.css == "batch" || mark.css == "throttle" || mark.css == "wave") {
        html << "<line class=\"mark " << mark.css << "\" x1=\"" << x(mark.at) << "\" y1=\"" << y + 3
             << "\" x2=\"" << x(mark.at) << "\" y2=\"" << y + row_height - 3 << "\"><title>"
             << HtmlEscape(mark.title) << "</title></line>";
      } else {
        html << "<circle class=\"mark " << mark.css << "\" cx=\"" << x(mark.at) << "\" cy=\""
             << y + row_height / 2 << "\" r=\"4\"><title>" << HtmlEscape(mark.title)
             << "</title></circle>";
      }
    }
    html << "</g>\n";
  }
  html << "</svg></div>\n";

  // Every event, per row, folded.
  html << "<h2>Events</h2>\n";
  for (const Row& row : rows) {
    html << "<details><summary>" << HtmlEscape(row.name) << " (" << row.events.size()
         << " events)</summary>\n<table><tr><th>at (UTC)</th><th>+</th><th>kind</th><th>stage</th>"
            "<th>message</th><th>took</th></tr>\n";
    for (const Event& e : row.events) {
      html << "<tr><td>" << HtmlEscape(e.clock) << "</td><td class=\"num\">"
           << HtmlEscape(FormatDuration(Millis(e.at))) << "</td><td>" << HtmlEscape(e.kind)
           << "</td><td>" << HtmlEscape(e.stage) << "</td><td class=\"msg\">"
           << HtmlEscape(e.message) << "</td><td class=\"num\">"
           << (e.duration_ms >= 0 ? HtmlEscape(FormatDuration(Millis(e.duration_ms))) : "")
           << "</td></tr>\n";
    }
    html << "</table></details>\n";
  }
  html << "<p id=\"report-check\" class=\"meta\" data-rows=\"\">not rendered</p>\n<script>"
       << kScript << "</script>\n</body></html>\n";
  return html.str();
}

}  // namespace pgshift::runner
