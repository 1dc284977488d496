# Exports the wider evaluation set (issue 19) from R packages installed from Debian:
#   apt-get install -y r-base-core r-cran-aer
#   Rscript tests/data/eval/export.R          (run from the repository root; rewrites the CSVs below)
# Nothing here is downloaded: every series ships inside the R packages (see README.md in this folder for
# provenance and licences). Values are written unchanged (prices/index levels, not returns), full precision.
suppressMessages(library(AER))
out <- if (length(commandArgs(TRUE)) >= 1) commandArgs(TRUE)[1] else "tests/data/eval"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
write <- function(df, file) {
  write.csv(df, file.path(out, file), row.names = FALSE, quote = FALSE)
  cat(sprintf("%-24s %6d rows  %s\n", file, nrow(df), paste(names(df), collapse = ",")))
}
fmt <- function(x) format(x, digits = 15, trim = TRUE, scientific = FALSE)

# R datasets::EuStockMarkets: DAX, SMI, CAC, FTSE daily closes 1991-1998 (business days, no dates in the object).
data(EuStockMarkets, package = "datasets")
eu <- EuStockMarkets
write(data.frame(obs = seq_len(nrow(eu)), DAX = fmt(eu[, "DAX"]), SMI = fmt(eu[, "SMI"]),
                 CAC = fmt(eu[, "CAC"]), FTSE = fmt(eu[, "FTSE"])), "eustockmarkets.csv")

# AER zoo series with Date index.
zoo_csv <- function(name, column, file) {
  e <- new.env(); data(list = name, package = "AER", envir = e); z <- get(name, e)
  df <- data.frame(date = format(zoo::index(z), "%Y-%m-%d"), v = fmt(as.numeric(zoo::coredata(z))))
  names(df)[2] <- column
  write(df, file)
}
zoo_csv("NYSESW", "nyse", "nysesw.csv")
zoo_csv("DJIA8012", "djia", "djia8012.csv")
zoo_csv("MSCISwitzerland", "msci", "msci_switzerland.csv")
