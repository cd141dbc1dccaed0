# syntax=docker/dockerfile:1
# One image for both processes: `npm run worker` and `npm run api` (the default CMD).
# TypeScript runs through tsx (a runtime dependency), so there is no compile step.

# --- dependencies -------------------------------------------------------------------------------
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Full install (not --omit=dev): keeps the image identical to what CI tests.
RUN npm ci --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    API_PORT=8080
WORKDIR /app
# Code and dependencies stay owned by root (read-only for the app); only the data dir is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN mkdir -p /app/.data && chown node:node /app/.data
# The `node` user (uid 1000) ships with the official image.
USER node
EXPOSE 8080
CMD ["npm", "run", "api"]
