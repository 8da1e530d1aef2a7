// Whether an all-letter word is said as a word or spelled letter by letter.
#pragma once

#include <string>
#include <string_view>

namespace vox::text {

// `word` is ASCII letters only. Returns the words to say:
//  - a curated list of initialisms read as words keeps them ("NASA", "NATO");
//  - a curated list that is always spelled, and upper-case tokens of two or
//    three letters, are spelled ("FBI" -> "F B I");
//  - four and five upper-case letters are said as a word when the letters
//    form a pronounceable consonant/vowel pattern ("OPEC", "FIFA"), else
//    spelled ("HTML", "NYPD");
//  - a few short words are never initialisms ("NO!" -> "no!");
//  - short lower-case tokens without vowels are spelled ("pdf" -> "P D F")
//    unless they are interjections ("hmm", "shh");
//  - in shouted text (`shouting`) upper case means nothing, so only the
//    spelled list, vowel-less tokens and short non-words are spelled and the
//    rest is lower-cased ("THIS IS THE FBI" -> "this is the F B I").
// Other words are returned unchanged.
std::string SpeakLetterWord(std::string_view word, bool shouting);

}  // namespace vox::text
