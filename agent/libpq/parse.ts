// The entry point for connection strings: a postgresql:// URI or a keyword=value list.
import { CONNINFO_KEYWORDS, ConninfoError, ConnParams, isConninfoUri, parseKeywordValue } from './conninfo';
import { parseUri } from './uri';

/** Parses libpq keyword=value strings and postgres:// URIs; throws ConninfoError on bad input. */
export function parseConninfo(conninfo: string): ConnParams {
  const params: ConnParams = {};
  const store = (keyword: string, value: string, where: string): void => {
    if (!CONNINFO_KEYWORDS.has(keyword)) throw new ConninfoError(`invalid ${where} "${keyword}"`);
    params[keyword] = value;
  };
  if (isConninfoUri(conninfo)) parseUri(conninfo, store);
  else parseKeywordValue(conninfo, store);
  return params;
}
