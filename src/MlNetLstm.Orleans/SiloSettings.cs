using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace MlNetLstm.Orleans;

/// <summary>Settings of a silo started by <see cref="ServiceHost.BuildSilo"/> (<c>mlnetlstm serve</c>).</summary>
public sealed record SiloSettings
{
    /// <summary>State storage. Default <see cref="StateStorage.Memory"/>.</summary>
    public StateStorage Storage { get; init; } = StateStorage.Memory;

    /// <summary>Membership. Default <see cref="Membership.Localhost"/>.</summary>
    public Membership Membership { get; init; } = Membership.Localhost;

    /// <summary>PostgreSQL connection string (storage and/or membership in PostgreSQL).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// With <see cref="Membership.Localhost"/>: the silo port of the cluster's primary silo on this machine, which this silo joins
    /// (several silos on one machine without a database); null (default) when this silo is the primary.
    /// </summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>The default <see cref="ClusterId"/>: "mlnetlstm".</summary>
    public const string DefaultClusterId = "mlnetlstm";

    /// <summary>Cluster id (silos of one cluster share it; a client names it to connect). Not empty. Default <see cref="DefaultClusterId"/>.</summary>
    public string ClusterId { get; init; } = DefaultClusterId;

    /// <summary>The default <see cref="ServiceId"/>: "mlnetlstm".</summary>
    public const string DefaultServiceId = "mlnetlstm";

    /// <summary>
    /// Service id (Orleans' <see cref="ClusterOptions.ServiceId"/>): the instruments' state and reminders in PostgreSQL are kept per
    /// service id, so services sharing one database never see each other's rows; it stays the same across deployments of one
    /// service. Not empty. Default <see cref="DefaultServiceId"/>.
    /// </summary>
    public string ServiceId { get; init; } = DefaultServiceId;

    /// <summary>HTTP port of the health endpoint (GET /health), or null for none. Default null.</summary>
    public int? HealthPort { get; init; }

    /// <summary>Minimum log level. Default Information.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
