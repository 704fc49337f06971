// `import "@tessera/finder/finder.css"` adds the finder's styles to the page; the
// module exports nothing. (TypeScript needs a declaration to import it at all.)
export {};
