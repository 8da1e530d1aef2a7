"""The phoneme id map of Piper's espeak voices (piper-phonemize's default map, ids 0-158)."""

_SYMBOLS = (
    ["_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?"]
    + list("abcdefhijklmnopqrstuvwxyz")
    + list("æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ")
    + list("0123456789")
    + ["\u0327", "\u0303", "\u032a", "\u032f", "\u0329", "ʰ", "ˤ", "ε", "↓", "#", '"', "↑",
       "\u033a", "\u033b", "g", "ʦ", "X", "\u031d", "\u030a"]
)

PHONEME_ID_MAP = {symbol: [i] for i, symbol in enumerate(_SYMBOLS)}
NUM_SYMBOLS = 256  # what Piper's espeak voices declare: room above the map

assert len(PHONEME_ID_MAP) == len(_SYMBOLS) == 159, len(_SYMBOLS)
assert PHONEME_ID_MAP["ə"] == [59] and PHONEME_ID_MAP["ⱱ"] == [129] and PHONEME_ID_MAP["\u030a"] == [158]
