// `sess completion` is answered by completion.ts before commands are loaded; this
// module only exists so the table can name it.
export function run(): Promise<void> {
  return Promise.resolve();
}
