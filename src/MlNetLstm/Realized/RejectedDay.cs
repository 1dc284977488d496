namespace MlNetLstm.Realized;

/// <summary>A trading day that did not count, and why.</summary>
/// <param name="Day">The local trading date.</param>
/// <param name="IntradayReturns">How many intraday returns it had.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record RejectedDay(DateOnly Day, int IntradayReturns, string Reason);
