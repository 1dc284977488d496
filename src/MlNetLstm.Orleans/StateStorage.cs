namespace MlNetLstm.Orleans;

/// <summary>Where a silo keeps the instrument grains' state.</summary>
public enum StateStorage
{
    /// <summary>In memory: lost when the silo stops (trials, one machine).</summary>
    Memory,

    /// <summary>PostgreSQL (<see cref="PostgresGrainStorage"/>).</summary>
    Postgres,
}
