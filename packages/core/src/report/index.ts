export { type ApplyReportInput, renderApplyReport } from './render-report.js'
