#include "engines/sentence_style.h"

#include <algorithm>
#include <cmath>

namespace vox::engines {
namespace {

using nlohmann::json;

json StyleJson(const SentenceStyle& s) {
  json j = json::object();
  if (s.pause_before_s != 0) j["pause_before_s"] = s.pause_before_s;
  if (s.rate != 1) j["rate"] = s.rate;
  if (s.pitch != 1) j["pitch"] = s.pitch;
  if (s.volume_db != 0) j["volume_db"] = s.volume_db;
  if (s.silent) j["silent"] = true;
  if (!s.language.empty()) j["language"] = s.language;
  if (!s.marks.empty()) j["marks"] = s.marks;
  if (!s.phonemes.empty()) j["phonemes"] = s.phonemes;
  return j;
}

SentenceStyle StyleFrom(const json& j) {
  SentenceStyle s;
  s.pause_before_s = j.value("pause_before_s", 0.0);
  s.rate = j.value("rate", 1.0);
  s.pitch = j.value("pitch", 1.0);
  s.volume_db = j.value("volume_db", 0.0);
  s.silent = j.value("silent", false);
  s.language = j.value("language", "");
  if (j.contains("marks")) s.marks = j.at("marks").get<std::vector<std::string>>();
  s.phonemes = j.value("phonemes", "");
  return s;
}

bool InRange(const SentenceStyle& s) {
  auto ok = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
  return ok(s.pause_before_s, 0, 3600) && ok(s.rate, 0.01, 100) && ok(s.pitch, 0.01, 100) &&
         ok(s.volume_db, -100, 40);
}

}  // namespace

bool SentenceStyle::IsDefault() const { return *this == SentenceStyle{}; }

bool PlanStyles::IsDefault() const {
  return tail.IsDefault() &&
         std::ranges::all_of(sentences, [](const SentenceStyle& s) { return s.IsDefault(); });
}

bool PlanStyles::HasMarks() const {
  return !tail.marks.empty() ||
         std::ranges::any_of(sentences, [](const SentenceStyle& s) { return !s.marks.empty(); });
}

json PlanStyles::ToJson() const {
  if (IsDefault()) return nullptr;
  json list = json::array();
  for (const SentenceStyle& s : sentences) list.push_back(StyleJson(s));
  return json{{"sentences", std::move(list)}, {"tail", StyleJson(tail)}};
}

Result<PlanStyles> PlanStyles::FromJson(const json& j, size_t sentence_count) {
  PlanStyles styles;
  if (j.is_null()) return styles;
  try {
    for (const json& s : j.at("sentences")) styles.sentences.push_back(StyleFrom(s));
    styles.tail = StyleFrom(j.at("tail"));
  } catch (const json::exception& e) {
    return Internal(std::string("stored sentence styles are malformed: ") + e.what());
  }
  if (styles.sentences.size() != sentence_count) {
    return Internal("stored sentence styles do not match the job's sentences");
  }
  if (!InRange(styles.tail) || !std::ranges::all_of(styles.sentences, InRange)) {
    return Internal("a stored sentence style is out of range");
  }
  return styles;
}

}  // namespace vox::engines
