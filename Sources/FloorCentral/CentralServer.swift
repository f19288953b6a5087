import Foundation
import Hummingbird
import LocalStore
import Logging
import NIOCore

/// The central node on HTTP (Hummingbird 2). The API, in `docs/replication.md`:
///
///     POST /v1/push                     a segment of the node's own events  → PushAck (JSON)
///     GET  /v1/pull?after=P&limit=N&wait=S   a central segment after position P (long-poll S s)
///     GET  /v1/snapshot                 a SQLite file of the central state; header Floor-Position
///     GET  /v1/nodes                    every node's replication status (JSON)
///     GET  /v1/health                   {"ok":true,...} (no authentication)
///     GET  /v1/metrics                  Prometheus text (no authentication)
///
/// Every other request is signed by the node (`RequestAuth`). Refusals are JSON
/// `{"error": code, "message": ..., "expected": N?}` with a 4xx status.
public struct CentralServer: Sendable {
    public let service: CentralService
    /// Longest long-poll a client may ask for.
    public static let maxWait = 60

    public init(service: CentralService) { self.service = service }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let service = self.service

        router.get("/v1/health") { _, _ in
            Self.json(service.healthJSON())
        }
        router.get("/v1/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: await service.metricsText())))
        }
        router.post("/v1/push") { request, _ in
            var request = request
            let body: Data
            do {
                body = Data(try await request.collectBody(upTo: service.maxBatchBytes).readableBytesView)
            } catch {
                return Self.refuse(CentralRefusal(status: 413, code: "too_large",
                                           message: "the batch is larger than \(service.maxBatchBytes) bytes: send smaller batches"))
            }
            let node: String
            do { node = try Self.signer(of: request, body: body, service) } catch { return Self.refuse(CentralRefusal.from(error)) }
            switch await service.push(node: node, body: body) {
            case .success(let ack): return Self.json(ack)
            case .failure(let refusal): return Self.refuse(refusal)
            }
        }
        router.get("/v1/pull") { request, _ in
            let node: String
            do { node = try Self.signer(of: request, service) } catch { return Self.refuse(CentralRefusal.from(error)) }
            let q = request.uri.queryParameters
            guard let after = q.get("after", as: Int64.self), after >= 0 else {
                return Self.refuse(CentralRefusal(status: 400, code: "malformed", message: "pull needs after=<position> (0 or more)"))
            }
            let limit = q.get("limit", as: Int.self) ?? 1000
            let wait = min(max(q.get("wait", as: Int.self) ?? 0, 0), Self.maxWait)
            do {
                let data = try await service.pull(node: node, after: after, limit: limit, wait: .seconds(wait))
                return Response(status: .ok, headers: [.contentType: "application/x-ndjson"],
                                body: .init(byteBuffer: ByteBuffer(bytes: data)))
            } catch {
                return Self.refuse(CentralRefusal.from(error))
            }
        }
        router.get("/v1/snapshot") { request, context in
            do { _ = try Self.signer(of: request, service) } catch { return Self.refuse(CentralRefusal.from(error)) }
            do {
                let (path, position) = try await service.snapshot()
                let body = try await FileIO().loadFile(path: path, context: context)
                var headers: HTTPFields = [.contentType: "application/vnd.sqlite3"]
                headers[.init("Floor-Position")!] = String(position)
                return Response(status: .ok, headers: headers, body: body)
            } catch {
                return Self.refuse(CentralRefusal.from(error))
            }
        }
        router.get("/v1/nodes") { request, _ in
            do {
                _ = try Self.signer(of: request, service)
                return Self.json(try await service.nodes())
            } catch { return Self.refuse(CentralRefusal.from(error)) }
        }
        return router
    }

    /// Runs the server until the task is cancelled (or SIGINT/SIGTERM with `runService`).
    /// `onRunning` gets the port actually bound (ask for port 0 in tests).
    public func run(host: String, port: Int, logLevel: Logger.Level = .info,
                    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "floor-central")
        logger.logLevel = logLevel
        let app = Application(router: router(),
                              configuration: .init(address: .hostname(host, port: port), serverName: "floor-central"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                              logger: logger)
        try await app.runService()
    }

    /// Starts the server in a task and returns once it listens: the task (cancel it to stop)
    /// and the port bound (ask for 0 to let the OS choose: tests and benchmarks).
    public func launch(host: String = "127.0.0.1", port: Int = 0, logLevel: Logger.Level = .critical) async -> (task: Task<Void, Error>, port: Int) {
        let (stream, cont) = AsyncStream<Int>.makeStream()
        let task = Task { try await run(host: host, port: port, logLevel: logLevel) { cont.yield($0) } }
        var bound = 0
        for await p in stream { bound = p; break }
        return (task, bound)
    }

    /// The node that signed the request (see `RequestAuth`), or the refusal.
    static func signer(of request: Request, body: Data = Data(), _ service: CentralService) throws -> String {
        try service.authenticate(authorization: request.headers[.authorization], method: request.method.rawValue,
                                 target: request.uri.string, body: body)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func refuse(_ r: CentralRefusal) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        struct Body: Encodable { var error: String; var message: String; var expected: Int64?; var epoch: String? }
        let data = (try? encoder.encode(Body(error: r.code, message: r.message, expected: r.expected, epoch: r.epoch))) ?? Data()
        return Response(status: HTTPResponse.Status(code: r.status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
