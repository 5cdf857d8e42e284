/** A page of an AWS call that splits its answer: more pages follow while it carries a `NextToken`. */
export interface TokenPage {
  readonly NextToken?: string | undefined
}

/**
 * Every item of an AWS call that pages with `NextToken`, handed out page by page as each page
 * arrives, so a `list` yields its first resources before the last page is fetched.
 *
 * @param fetchPage - Sends the call for the page after `token` (`undefined` for the first page).
 * @param itemsOf - The items one page holds.
 */
export async function* eachItem<Page extends TokenPage, Item>(
  fetchPage: (token: string | undefined) => Promise<Page>,
  itemsOf: (page: Page) => Iterable<Item>,
): AsyncGenerator<Item, void, undefined> {
  let token: string | undefined
  do {
    const page = await fetchPage(token)
    yield* itemsOf(page)
    token = page.NextToken
  } while (token)
}

/**
 * Every item of an AWS call that pages with `NextToken`, once the last page is in.
 *
 * @param fetchPage - Sends the call for the page after `token` (`undefined` for the first page).
 * @param itemsOf - The items one page holds.
 */
export async function allItems<Page extends TokenPage, Item>(
  fetchPage: (token: string | undefined) => Promise<Page>,
  itemsOf: (page: Page) => Iterable<Item>,
): Promise<Item[]> {
  const items: Item[] = []
  for await (const item of eachItem(fetchPage, itemsOf)) items.push(item)
  return items
}

/**
 * The request for one page of an EC2 describe: the query, the token of the page before and a
 * page size. EC2 refuses `MaxResults` next to explicit ids, so the size goes only with queries
 * that do not name `idsKey`.
 *
 * @param query - The describe's own parameters (ids or filters).
 * @param idsKey - The query field that lists ids (`VpcIds`, `InstanceIds`, …).
 * @param maxResults - The page size for filter queries (the most the API accepts).
 * @param token - The previous page's `NextToken`, `undefined` for the first page.
 */
export function ec2PageRequest<Query extends object>(
  query: Query,
  idsKey: keyof Query,
  maxResults: number,
  token: string | undefined,
): Query & { NextToken?: string; MaxResults?: number } {
  return {
    ...query,
    ...(token ? { NextToken: token } : {}),
    ...(query[idsKey] ? {} : { MaxResults: maxResults }),
  }
}
