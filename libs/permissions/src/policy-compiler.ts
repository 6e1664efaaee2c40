import { Injectable } from '@nestjs/common';
import type { KeyKind, PolicyRule } from '@castellan/core';
import { PermissionCatalog } from './catalog.js';
import { CompiledPolicy, compilePolicy } from './compiled-policy.js';
import { effectiveRules, KIND_POLICIES } from './key-policies.js';

const MAX_CACHED = 10_000;

/**
 * Compiles policies once and keeps them. Entries are keyed by the policy's content, not by the key, so any
 * change to a key's rules is seen by the very next request without an explicit invalidation.
 */
@Injectable()
export class PolicyCompiler {
  private readonly cache = new Map<string, CompiledPolicy>();

  constructor(private readonly catalog: PermissionCatalog) {}

  forKey(kind: KeyKind, rules: PolicyRule[] | null): CompiledPolicy {
    const effective = effectiveRules(kind, rules);
    const cacheKey = `${kind}\n${JSON.stringify(effective)}`;
    const hit = this.cache.get(cacheKey);
    if (hit) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, hit);
      return hit;
    }
    const compiled = compilePolicy(effective, this.catalog, KIND_POLICIES[kind].excludedPrefix);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, compiled);
    return compiled;
  }
}
