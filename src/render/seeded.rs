//! typst's compile, with its first layout pass seeded by the introspector of the last layout of
//! the same output.
//!
//! `typst::compile` lays a document out until the introspections it made (page numbers,
//! queries, counters) give the same answers on the pages they produced. Its first pass starts
//! from nothing: no page numbers, no headings, so the brochure always takes three passes, two
//! of them only to learn what the previous compile already knew. After an edit most answers
//! are unchanged, so starting from the last layout's answers usually settles in one or two
//! passes (at 200 pages, 47 ms of passes became one of about 28; BENCHMARKS.md, stop 17).
//!
//! The result is still a fixed point checked the way typst checks it: a pass is accepted only
//! when every introspection it made gives the same answer on its own pages. A first build has
//! no last layout and is typst's own compile; so is anything unusual here (an error, a
//! delayed error, no fixed point within typst's limit of passes), so typst's messages are
//! unchanged. This mirrors `compile_impl` of typst 0.15.1 (crates/typst/src/lib.rs) through
//! the crates' public API; an upgrade of typst must check it against the new loop.

use typst::World;
use typst::comemo::{Constraint, Track};
use typst::diag::{SourceDiagnostic, SourceResult, Warned};
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Output, StyleChain, Target, TargetElem};
use typst::introspection::{ITER_NAMES, Introspector, MAX_ITERS};
use typst::utils::Protected;
use typst_layout::PagedDocument;

/// Compiles `world`'s main file; `last`: the last layout of this output.
pub fn compile(
    world: &dyn World,
    last: Option<&PagedDocument>,
) -> Warned<SourceResult<PagedDocument>> {
    match last.and_then(|last| seeded(world, last.introspector().as_ref())) {
        Some(done) => done,
        None => typst::compile::<PagedDocument>(world),
    }
}

/// The seeded loop; `None` whenever typst's own compile should decide.
fn seeded(
    world: &dyn World,
    last: &dyn Introspector,
) -> Option<Warned<SourceResult<PagedDocument>>> {
    let tracked = world.track();
    let library = world.library();
    let traced = Traced::default();
    let mut sink = Sink::new();
    let main = world.source(world.main()).ok()?;
    let content = typst_eval::eval(
        tracked,
        library,
        traced.track(),
        sink.track_mut(),
        Route::default().track(),
        &main,
    )
    .ok()?
    .content();
    let base = StyleChain::new(&library.styles);
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = base.chain(&target);

    let mut previous: Option<PagedDocument> = None;
    for name in ITER_NAMES.iter().take(MAX_ITERS) {
        let _scope = typst_timing::TimingScope::new(name);
        let introspector: &dyn Introspector = match &previous {
            Some(doc) => doc.introspector().as_ref(),
            None => last,
        };
        let constraint = Constraint::new();
        let mut subsink = Sink::new();
        let mut engine = Engine {
            library,
            world: tracked,
            introspector: Protected::new(introspector.track_with(&constraint)),
            traced: traced.track(),
            sink: subsink.track_mut(),
            route: Route::default(),
        };
        let document = PagedDocument::create(&mut engine, &content, styles).ok()?;
        if constraint.validate(document.introspector().as_ref() as &dyn Introspector) {
            sink.extend_from_sink(subsink);
            if !sink.delayed().is_empty() {
                return None;
            }
            let warnings = unique(sink.warnings());
            return Some(Warned {
                output: Ok(document),
                warnings,
            });
        }
        previous = Some(document);
    }
    None
}

/// Warnings without repeats, as typst reports them.
fn unique(
    warnings: typst::ecow::EcoVec<SourceDiagnostic>,
) -> typst::ecow::EcoVec<SourceDiagnostic> {
    let mut seen = std::collections::HashSet::new();
    let mut warnings = warnings;
    warnings.retain(|d| seen.insert(typst::utils::hash128(&(&d.span, &d.message))));
    warnings
}
