// Koa 2 is installed under an alias to test both majors side by side; koa-router ships no types. Both are
// typed as their modern counterparts, whose API they share.
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
declare module 'koa-router' {
  import Router from '@koa/router'
  export default Router
}
