/**
 * Longest-prefix lookup of Java class names against package prefixes, at package boundaries:
 * `com.umeng` matches `com.umeng.analytics.MobclickAgent` and `com.umeng.X$1`, never `com.umengapp.X`.
 */
export class PrefixIndex<T> {
  private readonly root: TrieNode<T> = { children: new Map() };

  add(prefix: string, value: T): void {
    let node = this.root;
    for (const segment of prefix.split(".")) {
      let next = node.children.get(segment);
      if (!next) {
        next = { children: new Map() };
        node.children.set(segment, next);
      }
      node = next;
    }
    node.value = value;
    node.prefix = prefix;
  }

  /** The value of the longest prefix that contains `className`, with that prefix. */
  longest(className: string): { value: T; prefix: string } | undefined {
    let node: TrieNode<T> | undefined = this.root;
    let best: { value: T; prefix: string } | undefined;
    let start = 0;
    while (node) {
      const dot = className.indexOf(".", start);
      let segment = dot < 0 ? className.slice(start) : className.slice(start, dot);
      if (dot < 0) {
        // The class's simple name: nested classes (`Outer$Inner`) belong to their outer class.
        const dollar = segment.indexOf("$");
        if (dollar > 0) segment = segment.slice(0, dollar);
      }
      node = node.children.get(segment);
      if (node?.value !== undefined && node.prefix !== undefined) best = { value: node.value, prefix: node.prefix };
      if (dot < 0) break;
      start = dot + 1;
    }
    return best;
  }
}

interface TrieNode<T> {
  readonly children: Map<string, TrieNode<T>>;
  value?: T;
  prefix?: string;
}
