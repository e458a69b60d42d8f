// Express 4 is installed under an alias to test both majors side by side; its API is typed as Express 5's.
declare module 'express4' {
  import express from 'express'
  export default express
}
