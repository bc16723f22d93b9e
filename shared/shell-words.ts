/**
 * A command line split into argv the way a POSIX shell would quote it: whitespace
 * separates words; 'single quotes' keep everything; "double quotes" keep everything
 * but `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes keeps the next
 * character. No expansion of any kind (variables, globs, `~`) happens: the words are
 * what the program gets. Returns an error message for an unclosed quote. Pure.
 */
export function splitShellWords(line: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== null) return { error: `unclosed ${quote === "'" ? 'single' : 'double'} quote` };
  if (inWord) words.push(word);
  return words;
}
