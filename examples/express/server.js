// @ts-check
import express from 'express'
import { stsMiddleware } from '@custom-token-sts/express'
import { demoPort, demoSts, printBanner } from 'example-demo-setup'

const sts = demoSts()
const app = express()

app.use(stsMiddleware(sts)) // or app.use('/sts', stsMiddleware(sts))
app.get('/health', (_req, res) => {
  res.type('text/plain').send('ok')
})

const port = demoPort()
app.listen(port, () => printBanner(sts, port, 'Express'))
