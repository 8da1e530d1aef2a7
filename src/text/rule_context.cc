#include "text/rule_context.h"

#include "text/sentence_boundary.h"
#include "text/text_util.h"

namespace vox::text {

bool Context::SentenceStart(std::size_t i) const {
  if (i == 0) return true;
  const Token& prev = tokens_[i - 1];
  if (prev.trail.find_first_of("!?") != std::string_view::npos) return true;
  if (prev.trail.find('.') == std::string_view::npos) return false;
  return EndsSentence(prev.core, prev.trail.find("..") != std::string_view::npos ? "..." : ".",
                      Core(i));
}

bool Context::PeriodEndsSentence(std::size_t i) const {
  if (i + 1 >= tokens_.size()) return true;
  return EndsSentence(tokens_[i].core, ".", Core(i + 1));
}

std::size_t Context::AbbreviationPeriod(std::size_t i) const {
  if (i >= tokens_.size() || !tokens_[i].TrailStartsWith('.')) return 0;
  if (tokens_[i].trail.starts_with("..")) return 0;  // an ellipsis, not a period
  return PeriodEndsSentence(i) ? 0 : 1;
}

std::string Context::PrevLower(std::size_t i) const {
  if (i == 0 || i > tokens_.size() || SentenceStart(i)) return {};
  return Lower(tokens_[i - 1].core);
}

}  // namespace vox::text
