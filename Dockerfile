# Safe Passage in a container: the app only; PostgreSQL and the key file come from outside
# (deploy/compose.yaml shows both). Node 20, as the project is tested on.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV SAFE_PASSAGE_ENV=production \
    SAFE_PASSAGE_DATA=/data \
    SAFE_PASSAGE_KEY_FILE=/keys/server.key \
    HOST=0.0.0.0 \
    STAFF_HOST=0.0.0.0
RUN useradd --system --uid 10001 --home-dir /data safepassage && mkdir -p /data /keys && chown safepassage /data /keys && chmod 700 /data /keys
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/src/server/db/migrations ./src/server/db/migrations
USER safepassage
# Public applicant site, and the staff listener (publish the second on a loopback address only).
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/safe-passage.js", "serve"]
