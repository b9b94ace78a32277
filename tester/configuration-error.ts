// How hed-tester names a bad configuration on stderr: the key at fault in brackets, or,
// when the file itself is the trouble (unreadable, not JSON, not an object), no brackets,
// since the message already names the file.

/**
 * The stderr line (without the `hed-tester:` prefix) for a configuration error.
 *
 * @example
 * badConfigurationLine({ key: 'page_size', message: 'must be a string' }) // 'bad configuration (page_size): must be a string'
 * badConfigurationLine({ key: '(file)', message: 'The configuration file x is not valid JSON (...)' }) // 'bad configuration: The configuration file ...'
 */
export function badConfigurationLine(error: { key: string; message: string }): string {
  return error.key === '(file)' ? `bad configuration: ${error.message}` : `bad configuration (${error.key}): ${error.message}`;
}
