#include "text/tokenizer.h"

#include "text/text_util.h"

namespace vox::text {
namespace {

bool IsLeadChar(char c) {
  return c == '"' || c == '\'' || c == '(' || c == '[' || c == '{' || c == '*' || c == '_' ||
         c == '`';
}

bool IsTrailChar(char c) {
  switch (c) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '"':
    case '\'':
    case ')':
    case ']':
    case '}':
    case '*':
    case '_':
    case '`':
      return true;
    default:
      return false;
  }
}

bool LooksLikeAddress(std::string_view piece) {
  return piece.find("://") != std::string_view::npos || piece.find('@') != std::string_view::npos ||
         piece.starts_with("www.");
}

void AddToken(std::string_view piece, std::vector<Token>& out) {
  if (piece.empty()) return;
  std::size_t b = 0;
  while (b < piece.size() && IsLeadChar(piece[b])) ++b;
  std::size_t e = piece.size();
  while (e > b && IsTrailChar(piece[e - 1])) --e;
  out.push_back(Token{piece.substr(0, b), piece.substr(b, e - b), piece.substr(e)});
}

// Splits one whitespace-free piece where punctuation glues two words.
void SplitPiece(std::string_view piece, std::vector<Token>& out) {
  // "~5", "<10ms", ">$5": the comparison is a word of its own.
  if (piece.size() > 1 && (piece[0] == '~' || piece[0] == '<' || piece[0] == '>') &&
      (IsDigit(piece[1]) || piece[1] == '$' || piece[1] == '.')) {
    out.push_back(Token{{}, piece.substr(0, 1), {}});
    piece.remove_prefix(1);
  }
  const bool address = LooksLikeAddress(piece);
  std::size_t begin = 0;
  for (std::size_t i = 1; i + 1 < piece.size(); ++i) {
    const char c = piece[i];
    if (c == '-' && piece[i + 1] == '-') {
      // "word--word": the dashes are a pause of their own.
      std::size_t j = i;
      while (j < piece.size() && piece[j] == '-') ++j;
      AddToken(piece.substr(begin, i - begin), out);
      out.push_back(Token{{}, piece.substr(i, 1), {}});
      begin = j;
      i = j - 1;
    } else if (c == '.' && piece[i + 1] == '.' && !address) {
      // "wait...what": the dots stay with the left word as its trail.
      std::size_t j = i;
      while (j < piece.size() && piece[j] == '.') ++j;
      if (j < piece.size() && IsAlnum(piece[j])) {
        AddToken(piece.substr(begin, j - begin), out);
        begin = j;
      }
      i = j - 1;
    } else if ((c == ',' || c == ';' || c == '!' || c == '?') && !address &&
               IsAlpha(piece[i - 1]) && IsAlpha(piece[i + 1])) {
      AddToken(piece.substr(begin, i + 1 - begin), out);
      begin = i + 1;
    }
  }
  AddToken(piece.substr(begin), out);
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  out.reserve(text.size() / 5 + 1);
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !IsSpace(text[j])) ++j;
    if (j > i) SplitPiece(text.substr(i, j - i), out);
    i = j;
  }
  return out;
}

}  // namespace vox::text
