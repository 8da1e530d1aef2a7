#include "ssml/ssml_document.h"

namespace vox::ssml {
namespace {

bool Verbatim(const text::AlignedSpan& piece) {
  return piece.end - piece.begin == piece.source_end - piece.source_begin;
}

// Where byte `at` of the text lies in the document, `piece` being the one it falls in (or
// ends): inside a verbatim piece exactly, else at the piece's start (`at_end`: its end).
size_t Map(const text::AlignedSpan& piece, size_t at, bool at_end) {
  if (Verbatim(piece)) return piece.source_begin + (std::min(at, piece.end) - piece.begin);
  return at_end ? piece.source_end : piece.source_begin;
}

}  // namespace

std::pair<size_t, size_t> DocumentRange(const Segment& segment, size_t begin, size_t end) {
  const auto& pieces = segment.source;
  if (pieces.empty()) return {0, 0};
  // The first piece that ends after `begin`, the last that starts before `end`.
  size_t first = 0;
  while (first + 1 < pieces.size() && pieces[first].end <= begin) ++first;
  size_t last = first;
  while (last + 1 < pieces.size() && pieces[last + 1].begin < end) ++last;
  const size_t b = Map(pieces[first], std::max(begin, pieces[first].begin), false);
  if (end <= begin) return {b, b};
  return {b, std::max(b, Map(pieces[last], end, true))};
}

}  // namespace vox::ssml
