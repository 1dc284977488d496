namespace MlNetLstm.Orleans;

/// <summary>One dated observation (a price or a return, per <see cref="InstrumentSettings.Input"/>).</summary>
/// <param name="Date">The observation's date; dates must increase.</param>
/// <param name="Value">The price or return.</param>
[GenerateSerializer, Immutable]
public readonly record struct Observation([property: Id(0)] DateOnly Date, [property: Id(1)] double Value);
