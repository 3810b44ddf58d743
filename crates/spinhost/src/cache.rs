//! The wasmtime engine and the on-disk cache of compiled components.
//!
//! A compiled component is written to `<cache dir>/<key>.cwasm`, where the key
//! hashes the wasm bytes together with wasmtime's own compatibility hash
//! (its version and every engine setting that affects code), so a stale or
//! foreign artifact is never loaded.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Pre-reserve instance slots (as Spin does) instead of mapping memory
    /// for every instance.
    pub pooling: bool,
    /// Concurrent instances the pool can hold.
    pub max_instances: u32,
    /// How a finished instance's slot is reset for the next one.
    pub slot_reset: SlotReset,
}

/// How the pooling allocator gives a finished instance's memory and tables
/// back. Zeroing with `memset` keeps pages mapped; `madvise` unmaps them,
/// which on a multi-threaded host costs a TLB shootdown on every core and a
/// page fault per page on the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotReset {
    /// As Spin 3.6 does: the first 2 MiB of each linear memory and 512 KiB
    /// of each table are zeroed, the rest is `madvise`d away.
    AsSpin,
    /// Linux's `PAGEMAP_SCAN` (6.7 and later; elsewhere as `AsSpin`) finds
    /// the pages the instance touched, and up to 4 MiB of memory and 1 MiB
    /// of tables are zeroed in place. A request of this app touches less,
    /// so the slot is reused with no system call: about +10% requests/s on
    /// create and +14% on list (`scripts/bench.sh api`, 2 cores).
    Scanned,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            pooling: true,
            max_instances: 1000,
            slot_reset: SlotReset::Scanned,
        }
    }
}

pub fn build_engine(options: &EngineOptions) -> Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    if options.pooling {
        const MB: usize = 1 << 20;
        let n = options.max_instances;
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(n)
            .total_memories(n)
            .total_tables(2 * n)
            .total_stacks(n)
            .total_core_instances(4 * n)
            .table_elements(100_000)
            .max_component_instance_size(10 * MB)
            .max_core_instance_size(10 * MB)
            .max_core_instances_per_component(200)
            .max_tables_per_component(64)
            .max_memories_per_component(32)
            .max_tables_per_module(2)
            .max_memories_per_module(2)
            .max_memory_size(4 << 30);
        match options.slot_reset {
            SlotReset::AsSpin => {
                pool.linear_memory_keep_resident(2 * MB)
                    .table_keep_resident(MB / 2);
            }
            SlotReset::Scanned => {
                pool.linear_memory_keep_resident(4 * MB)
                    .table_keep_resident(MB)
                    .pagemap_scan(wasmtime::Enabled::Auto);
            }
        }
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Ok(Engine::new(&config)?)
}

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded from the cache.
    Hit,
    /// Compiled (and written to the cache when there is one).
    Compiled,
}

#[derive(Debug, Clone)]
pub struct LoadedComponent {
    pub component: Component,
    pub outcome: CacheOutcome,
    pub elapsed: Duration,
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// The cache file name for `wasm` under `engine`.
pub fn cache_key(engine: &Engine, wasm: &[u8]) -> String {
    let mut hasher = ShaHasher(Sha256::new());
    hasher.write(&Sha256::digest(wasm));
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
    hex::encode(&hasher.0.finalize()[..20])
}

/// Loads one component, from the cache when possible.
pub fn load_component(
    engine: &Engine,
    wasm_path: &Path,
    cache_dir: Option<&Path>,
) -> Result<LoadedComponent> {
    let started = Instant::now();
    let wasm = std::fs::read(wasm_path).with_context(|| {
        format!(
            "cannot read component {} (has it been built?)",
            wasm_path.display()
        )
    })?;
    let cached_path = cache_dir.map(|dir| dir.join(format!("{}.cwasm", cache_key(engine, &wasm))));
    if let Some(path) = &cached_path {
        if path.exists() {
            // SAFETY: the file was written by `Component::serialize` of an
            // engine with the same compatibility hash (it is in the file
            // name), and is only ever replaced atomically by a rename.
            match unsafe { Component::deserialize_file(engine, path) } {
                Ok(component) => {
                    return Ok(LoadedComponent {
                        component,
                        outcome: CacheOutcome::Hit,
                        elapsed: started.elapsed(),
                    })
                }
                Err(_) => {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    }
    let component = Component::new(engine, &wasm)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot compile {}", wasm_path.display()))?;
    if let Some(path) = &cached_path {
        if let Err(e) = write_atomically(path, &component.serialize()?) {
            eprintln!(
                "spinhost: cannot write compile cache {}: {e:#}",
                path.display()
            );
        }
    }
    Ok(LoadedComponent {
        component,
        outcome: CacheOutcome::Compiled,
        elapsed: started.elapsed(),
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("cache path has no parent")?;
    std::fs::create_dir_all(dir)?;
    let tmp: PathBuf = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("cwasm"),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Loads several components at once, each on its own thread: a cold start
/// compiles them in parallel.
pub fn load_components(
    engine: &Engine,
    sources: &[(String, PathBuf)],
    cache_dir: Option<&Path>,
) -> Result<Vec<(String, LoadedComponent)>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = sources
            .iter()
            .map(|(id, path)| {
                (
                    id,
                    scope.spawn(move || load_component(engine, path, cache_dir)),
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|(id, handle)| {
                let loaded = handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("compiling component {id:?} panicked"))?
                    .with_context(|| format!("component {id:?}"))?;
                Ok((id.clone(), loaded))
            })
            .collect()
    })
}
