namespace MlNetLstm.Orleans;

/// <summary>How silos and clients find each other.</summary>
public enum Membership
{
    /// <summary>One silo on this machine (Orleans' localhost clustering).</summary>
    Localhost,

    /// <summary>
    /// Membership in PostgreSQL (any number of silos and machines): <see cref="PostgresMembershipTable"/> for silos,
    /// <see cref="PostgresGatewayListProvider"/> for clients; the service creates its tables itself on first use.
    /// </summary>
    Postgres,
}
