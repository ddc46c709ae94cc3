/**
 * Word list for receipt codes (receipt.ts): pronounceable pseudo-words built from a fixed
 * consonant-vowel scheme, not copied from any published list.
 *
 * Every word is consonant-vowel-consonant-vowel ("bado", "kemi", "tuzo"), 4 lowercase ASCII
 * letters, from consonants that sound and look distinct in Latin and map one-to-one to Cyrillic
 * (b d f g k l m n p r s t v z ↔ б д ф г к л м н п р с т в з) and five vowels (a e i o u ↔ а е и о у).
 * So a word read aloud over a bad line is spelled one way, and an applicant who types it on a
 * Russian keyboard ("бадо") can still be understood (normalise.ts maps it back).
 *
 * Left out: words whose two syllables repeat ("baba", "kaka"), and a short list of words that
 * are coarse or frightening in Russian, Ukrainian or English; the point of a receipt code is to
 * be calm to read out. About 4,800 words remain, 12.2 bits each; 7 words carry ~85 bits.
 *
 * The list is part of the stored codes' meaning: never remove or reorder a word once codes have
 * been issued (normalisation rejects words not in the list).
 */
const CONSONANTS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"] as const;
const VOWELS = ["a", "e", "i", "o", "u"] as const;

const EXCLUDED = new Set([
  // Coarse or insulting when read as Russian or Ukrainian.
  "suka", "suki", "sosi", "pisa", "pisi", "pida", "pido", "dura", "duro", "mudo", "kala", "kalo", "popa", "zopa", "debi",
  // Coarse or grim in English.
  "rape", "dope", "gore", "dike", "nazi", "puke",
  // War, death, punishment: not what a frightened reader should be handed.
  "mina", "mine", "puli", "pula", "gibe", "gibo", "mogi", "mori", "rana", "rani", "boli", "bole", "kara", "sudi", "sudu",
  "suda", "zeka", "zeku", "vina",
]);

function buildWordList(): readonly string[] {
  const words: string[] = [];
  for (const c1 of CONSONANTS) {
    for (const v1 of VOWELS) {
      for (const c2 of CONSONANTS) {
        for (const v2 of VOWELS) {
          if (c1 === c2 && v1 === v2) continue;
          const word = c1 + v1 + c2 + v2;
          if (!EXCLUDED.has(word)) words.push(word);
        }
      }
    }
  }
  return Object.freeze(words);
}

/** The receipt word list, in a fixed order (index = value drawn by generateReceiptWords). */
export const RECEIPT_WORDS: readonly string[] = buildWordList();

const WORD_SET: ReadonlySet<string> = new Set(RECEIPT_WORDS);

export function isReceiptWord(word: string): boolean {
  return WORD_SET.has(word);
}
