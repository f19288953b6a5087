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

    public func router() -> Router<CentralRequestContext> {
        let router = Router(context: CentralRequestContext.self)
        let service = self.service
        // Every error a route throws leaves as a refusal (JSON, 4xx/5xx).
        router.add(middleware: RefusalResponses())

        router.get("/v1/health") { _, _ in
            Self.json(service.healthJSON())
        }
        router.get("/v1/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: await service.metricsText())))
        }

        // Everything else is signed by a node.
        let signed = router.group().add(middleware: NodeAuthentication(service: service))
        signed.post("/v1/push") { _, context in
            switch await service.push(node: try context.signer(), body: context.signedBody) {
            case .success(let ack): return Self.json(ack)
            case .failure(let refusal): throw HTTPRefusal(refusal)
            }
        }
        signed.get("/v1/pull") { request, context in
            let q = request.uri.queryParameters
            guard let after = q.get("after", as: Int64.self), after >= 0 else {
                throw HTTPRefusal(CentralRefusal(status: 400, code: "malformed", message: "pull needs after=<position> (0 or more)"))
            }
            let limit = q.get("limit", as: Int.self) ?? 1000
            let wait = min(max(q.get("wait", as: Int.self) ?? 0, 0), Self.maxWait)
            let data = try await service.pull(node: try context.signer(), after: after, limit: limit, wait: .seconds(wait))
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        signed.get("/v1/snapshot") { _, context in
            let (path, position) = try await service.snapshot()
            let body = try await FileIO().loadFile(path: path, context: context)
            var headers: HTTPFields = [.contentType: "application/vnd.sqlite3"]
            headers[.init("Floor-Position")!] = String(position)
            return Response(status: .ok, headers: headers, body: body)
        }
        signed.get("/v1/nodes") { _, _ in
            Self.json(try await service.nodes())
        }
        return router
    }

    /// Runs the server until the task is cancelled (or SIGINT/SIGTERM with `runService`).
    /// `onRunning` gets the port actually bound (ask for port 0 in tests).
    public func run(
        host: String, port: Int, logLevel: Logger.Level = .info,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "floor-central")
        logger.logLevel = logLevel
        let app = Application(
            router: router(),
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

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

}

/// A request at the central node: who signed it and, for a push, the body the signature covers.
public struct CentralRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The node that signed the request (set by `NodeAuthentication`; nil on the open routes).
    public var node: String?
    /// The body of a signed POST, read once (up to the batch limit) to check its signature.
    public var signedBody = Data()
    public init(source: Source) { coreContext = .init(source: source) }

    /// The signing node; a route behind `NodeAuthentication` always has one.
    func signer() throws -> String {
        guard let node else { throw HTTPRefusal(CentralRefusal(status: 401, code: "unauthenticated", message: "the request is not signed")) }
        return node
    }
}

/// Checks that a node signed the request (`RequestAuth`: method, target and body under the node's
/// enrollment secret) before any route runs; refuses it otherwise.
struct NodeAuthentication: RouterMiddleware {
    typealias Context = CentralRequestContext
    let service: CentralService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if request.method == .post {
            do {
                context.signedBody = Data(try await request.collectBody(upTo: service.maxBatchBytes).readableBytesView)
            } catch {
                throw HTTPRefusal(
                    CentralRefusal(
                        status: 413, code: "too_large",
                        message: "the batch is larger than \(service.maxBatchBytes) bytes: send smaller batches"))
            }
        }
        do {
            context.node = try service.authenticate(
                authorization: request.headers[.authorization], method: request.method.rawValue,
                target: request.uri.string, body: context.signedBody)
        } catch {
            throw HTTPRefusal(CentralRefusal.from(error))
        }
        return try await next(request, context)
    }
}

/// Turns whatever a route throws into a refusal (`CentralRefusal.from`): the router never
/// answers with Hummingbird's own error text, and a client always gets the JSON it can read.
struct RefusalResponses: RouterMiddleware {
    typealias Context = CentralRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPRefusal {
            throw e
        } catch let e as HTTPError where e.status == .notFound || e.status == .methodNotAllowed {
            throw e
        } catch {
            throw HTTPRefusal(CentralRefusal.from(error))
        }
    }
}

/// A refusal as Hummingbird's `HTTPResponseError`: `{"error": code, "message": ..., "expected": N?}`.
public struct HTTPRefusal: HTTPResponseError {
    public let refusal: CentralRefusal
    public init(_ refusal: CentralRefusal) { self.refusal = refusal }
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: refusal.status) }
    struct Body: Encodable { var error: String; var message: String; var expected: Int64?; var epoch: String? }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data =
            (try? encoder.encode(Body(error: refusal.code, message: refusal.message, expected: refusal.expected, epoch: refusal.epoch)))
            ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
