/** avnet's own version and docs location, read from package.json once. */
import { readFileSync } from 'node:fs';
import { packageFile } from '../util/package-root.js';

const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
  version: string;
  homepage?: string;
};

/** The installed avnet version. */
export const AVNET_VERSION: string = pkg.version;

/** Where docs/rules.md is published (SARIF help links point there). */
export const RULES_DOCS_URL: string = `${(pkg.homepage ?? 'https://github.com/avnet-dev/avnet#readme').replace(/#.*$/, '')}/blob/main/docs/rules.md`;
