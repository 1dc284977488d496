# Golden values for the HAR / Mincer-Zarnowitz / Diebold-Mariano tests (tests/MlNetLstm.Tests/Evaluation/GoldenTests.cs).
# Independent reference: R's lm() and sandwich::NeweyWest(prewhite = FALSE, adjust = FALSE), Bartlett weights 1 - j/(L+1).
# Run from the repository root:  Rscript tests/data/evaluation/generate_golden.R
library(sandwich)
library(jsonlite)

r <- read.csv("tests/data/real/dem2gbp.csv")[[2]]
v <- r^2
n <- length(v)

# 1. HAR-RV on squared returns: v[t+1] ~ d_t + w_t + m_t for t = 22..n-1 (1-based), full windows only.
tt <- 22:(n - 1)
d <- v[tt]
w <- sapply(tt, function(t) mean(v[(t - 4):t]))
m <- sapply(tt, function(t) mean(v[(t - 21):t]))
y <- v[tt + 1]
har <- lm(y ~ d + w + m)
har_nw <- NeweyWest(har, lag = 5, prewhite = FALSE, adjust = FALSE)

# 2. Mincer-Zarnowitz: v[t+1] ~ a + b * ewma_t, EWMA s_t = 0.94 s_{t-1} + 0.06 r_t^2 with s_0 = r_1^2 (then updated with r_1).
s <- numeric(n)
prev <- v[1]
for (t in 1:n) { prev <- 0.94 * prev + 0.06 * v[t]; s[t] <- prev }
f_ewma <- s[1:(n - 1)]
proxy <- v[2:n]
mz <- lm(proxy ~ f_ewma)
mz_nw <- NeweyWest(mz, lag = 4, prewhite = FALSE, adjust = FALSE)
theta <- coef(mz) - c(0, 1)
wald <- as.numeric(t(theta) %*% solve(mz_nw) %*% theta)

# 3. Diebold-Mariano on QLIKE: EWMA versus a 22-day rolling mean of v, targets v[t+1], t = 22..n-1, 3 Newey-West lags.
f_roll <- sapply(tt, function(t) mean(v[(t - 21):t]))
f_e <- s[tt]
target <- v[tt + 1]
qlike <- function(h, p) log(h) + p / h
dd <- qlike(f_e, target) - qlike(f_roll, target)
dm_fit <- lm(dd ~ 1)
dm_var <- NeweyWest(dm_fit, lag = 3, prewhite = FALSE, adjust = FALSE)[1, 1]
nd <- length(dd)
dm_stat <- mean(dd) / sqrt(dm_var)
dm_p <- 2 * pnorm(-abs(dm_stat))
hln_stat <- dm_stat * sqrt((nd + 1 - 2 * 1 + 1 * 0 / nd) / nd)
hln_p <- 2 * pt(-abs(hln_stat), df = nd - 1)

out <- list(
  har = list(coefficients = unname(coef(har)), se = unname(sqrt(diag(vcov(har)))), nw_se = unname(sqrt(diag(har_nw))),
             r_squared = summary(har)$r.squared, nw_lags = 5, rows = length(y)),
  mz = list(intercept = unname(coef(mz)[1]), slope = unname(coef(mz)[2]), se = unname(sqrt(diag(vcov(mz)))),
            nw_se = unname(sqrt(diag(mz_nw))), r_squared = summary(mz)$r.squared, wald = wald,
            wald_p = 1 - pchisq(wald, 2), nw_lags = 4),
  dm = list(mean = mean(dd), statistic = dm_stat, p = dm_p, hln_statistic = hln_stat, hln_p = hln_p, lags = 3, n = nd)
)
write_json(out, "tests/data/evaluation/golden.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
