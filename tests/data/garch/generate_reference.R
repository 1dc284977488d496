# Golden values from R fGarch (4022.89) on dem2gbp, for tests/MlNetLstm.Tests/Volatility/FgarchReferenceTests.cs.
# Run from the repository root:  Rscript tests/data/garch/generate_reference.R
# (apt-get install r-base-core r-cran-fgarch; the test suite never runs R.)
suppressMessages(library(fGarch))
y <- read.csv("tests/data/real/dem2gbp.csv")$dem2gbp
num <- function(x) format(x, digits = 17)
fit_json <- function(f) {
  p <- coef(f)
  paste0('{"parameters": {', paste0('"', names(p), '": ', num(p), collapse = ", "), '}, "logLikelihood": ', num(-f@fit$llh), '}')
}
n <- garchFit(~garch(1, 1), data = y, trace = FALSE)
g <- garchFit(~garch(1, 1), data = y, cond.dist = "ged", trace = FALSE)
pr <- predict(n, n.ahead = 10)
out <- paste0('{\n',
  '"source": "R ', R.version$major, '.', R.version$minor, ', fGarch ', as.character(packageVersion("fGarch")), ', garchFit(~garch(1,1)) on dem2gbp",\n',
  '"normal": ', fit_json(n), ',\n',
  '"ged": ', fit_json(g), ',\n',
  '"normalConditionalVarianceFirst10": [', paste(num(n@h.t[1:10]), collapse = ", "), '],\n',
  '"normalConditionalVarianceLast10": [', paste(num(tail(n@h.t, 10)), collapse = ", "), '],\n',
  '"normalForecastStdDev10": [', paste(num(pr$standardDeviation), collapse = ", "), ']\n}\n')
writeLines(out, "tests/data/garch/fgarch_reference.json")
